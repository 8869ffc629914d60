"""Routes for allocations (placeholder until the module is written)."""

from fastapi import APIRouter

router = APIRouter()
