"""Users, roles and the permission checks every write goes through (inside tracker, not only in the UI)."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("viewer", "staff", "admin")
ROLE_NAMES = {"viewer": "查看", "staff": "填报员", "admin": "管理员"}


class PermissionDenied(PermissionError):
    """The user may not make this write. The message is shown to the user as it is (Chinese)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str  # viewer | staff | admin
    department: str | None = None  # staff are bound to one department

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def require_admin(user: User | None) -> User:
    if user is None or user.role != "admin":
        raise PermissionDenied("只有管理员可以执行此操作，请用管理员账号登录。")
    return user


def require_writer(user: User | None, department: str | None = None) -> User:
    """Staff may write their own department's data; admins any; viewers and anonymous visitors nothing."""
    if user is None:
        raise PermissionDenied("请先登录后再填报。")
    if user.role == "viewer":
        raise PermissionDenied(f"账号“{user.name}”只有查看权限，不能填报或修改数据。")
    if user.role == "staff" and department is not None and department != user.department:
        raise PermissionDenied(f"账号“{user.name}”属于部门“{user.department}”，不能填报部门“{department}”的数据。")
    return user
