"""Storage of Assay: SQLAlchemy 2 models, queries and bulk paths, Alembic migrations, the blob folder.

This is the only package that imports SQLAlchemy. The service uses it through :class:`Store` (one
transaction per use, each with a :class:`Repository`), which hands out plain dicts, never ORM rows.
"""

from assay.store.blobs import BlobStore
from assay.store.database import Store
from assay.store.engine import assay_home, default_database_url, redact_url
from assay.store.migrate import head_revision, upgrade
from assay.store.repository import TOKEN_PREFIX, Repository

__all__ = [
    "BlobStore",
    "Repository",
    "Store",
    "TOKEN_PREFIX",
    "assay_home",
    "default_database_url",
    "head_revision",
    "redact_url",
    "upgrade",
]
