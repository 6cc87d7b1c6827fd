"""The ``zhijian`` console script: Django's management commands under the platform's name.

``zhijian import entities FILE`` runs the ``import`` command; every batch operation is a command.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhijian.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *sys.argv[1:]])


if __name__ == "__main__":
    main()
