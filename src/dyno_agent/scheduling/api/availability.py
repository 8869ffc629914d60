"""Routes for availability (placeholder until the module is written)."""

from fastapi import APIRouter

router = APIRouter()
