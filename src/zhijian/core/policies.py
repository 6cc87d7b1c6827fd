"""Access policies of the core pages (see :mod:`zhijian.core.access`)."""

from .access import ADMIN, define

define("core.operate", ADMIN, "平台运维：工作日历、死信事件、审计链")
