"""The users table."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, FetchedValue, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dyno_agent.auth.roles import Role
from dyno_agent.db.base import Base, TimestampMixin

# Each role can do what the roles before it can.
ROLE_RANK = {Role.user: 0, Role.power_user: 1, Role.admin: 2}


class User(TimestampMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('user', 'power_user', 'admin')", name="role_vocab"),
        CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    full_name: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(100), nullable=False)
    role: Mapped[str] = mapped_column(String(12), nullable=False, server_default=Role.user.value)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="true")
    # Bumped by a trigger when the password, role or is_active changes; tokens carry it, so
    # those changes revoke every token issued before (fetched back on each write).
    token_version: Mapped[int] = mapped_column(
        Integer, nullable=False, server_default="0", server_onupdate=FetchedValue()
    )

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[Role(self.role)] >= ROLE_RANK[role]
