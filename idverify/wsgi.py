import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idverify.settings")
application = get_wsgi_application()

# Seal the audit events this process wrote when it stops (best effort; see audit.shutdown).
from audit.shutdown import seal_at_exit  # noqa: E402 - needs the apps loaded above

seal_at_exit()
