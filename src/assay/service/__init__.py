"""Assay's domain logic, shared by the in-process transport and the server."""

from assay.service.service import Service

__all__ = ["Service"]
