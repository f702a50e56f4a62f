from tests.api.conftest import image_server  # noqa: F401  (the loopback image server)
