import pytest

from vpfake_fixture import run_vpfake


@pytest.fixture(scope="session")
def vpfake_endpoint():
    with run_vpfake() as endpoint:
        yield endpoint
