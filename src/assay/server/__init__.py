"""The Assay server: ``/api/v1`` over the service, with token authentication and OpenAPI.

``assay server`` runs it; :func:`create_app` builds it for any ASGI server or for tests.
"""

from assay.server.app import API_PREFIX, create_app
from assay.server.settings import Settings

__all__ = ["API_PREFIX", "Settings", "create_app"]
