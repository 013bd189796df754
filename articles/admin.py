"""The admin's registrations live with their packages; importing them here registers them."""

from .desk import admin, catalogue_admin, front_admin, live_admin, people_admin  # noqa: F401
from .desk import wire_admin as wire_queue_admin  # noqa: F401
from .photos import admin as photos_admin  # noqa: F401
