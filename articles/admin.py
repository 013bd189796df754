"""The admin's registrations live with their packages; importing them here registers them."""

from .desk import (  # noqa: F401
    admin,
    catalogue_admin,
    front_admin,  # noqa: F401
    live_admin,  # noqa: F401
)
from .photos import admin as photos_admin  # noqa: F401
