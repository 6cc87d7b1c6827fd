from django.apps import AppConfig

from .nav import NavItem
from .roles import ADMIN


class CoreConfig(AppConfig):
    name = "zhijian.core"
    label = "core"
    verbose_name = "平台核心"
    nav = [
        NavItem("工作日历", "core:calendar_notice", ADMIN),
        NavItem("死信事件", "core:events_dead", ADMIN),
        NavItem("定时任务", "core:schedule", ADMIN),
        NavItem("登录安全", "core:login_lockouts", ADMIN),
    ]
    todos = "zhijian.core.workbench.todos"
    urls = [("", "zhijian.core.urls")]
    api_router = ("/auth/", "zhijian.core.api.router")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.utils.module_loading import autodiscover_modules

        from .auth import forget_user
        from .models import User

        # Every app's access policies (<app>/policies.py) and event schemas (<app>/topics.py).
        autodiscover_modules("policies", "topics")

        def forget(sender, instance, **kwargs):
            forget_user(instance.pk)

        post_save.connect(forget, sender=User, dispatch_uid="core.forget_user_on_save", weak=False)
        post_delete.connect(forget, sender=User, dispatch_uid="core.forget_user_on_delete", weak=False)
        from . import signing  # noqa: F401 - registers the deploy check of the audit signing key
        from .tokens import revoke_on_new_password

        post_save.connect(revoke_on_new_password, sender=User, dispatch_uid="core.revoke_tokens_on_password")
