import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idverify.settings")
application = get_asgi_application()

# Seal the audit events this process wrote when it stops (best effort; see audit.shutdown).
from audit.shutdown import seal_at_exit  # noqa: E402 - needs the apps loaded above

seal_at_exit()
