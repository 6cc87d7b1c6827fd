from django.apps import AppConfig

from .nav import NavItem

ADMIN = frozenset({"city_admin"})


class CoreConfig(AppConfig):
    name = "zhijian.core"
    label = "core"
    verbose_name = "平台核心"
    nav = [NavItem("工作日历", "calendar_notice", ADMIN), NavItem("登录安全", "login_lockouts", ADMIN)]

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .auth import forget_user
        from .models import User

        def forget(sender, instance, **kwargs):
            forget_user(instance.pk)

        post_save.connect(forget, sender=User, dispatch_uid="core.forget_user_on_save", weak=False)
        post_delete.connect(forget, sender=User, dispatch_uid="core.forget_user_on_delete", weak=False)
        from . import signing  # noqa: F401 - registers the deploy check of the audit signing key
        from .tokens import revoke_on_new_password

        post_save.connect(revoke_on_new_password, sender=User, dispatch_uid="core.revoke_tokens_on_password")
