"""moto's S3 server on loopback and the AWS environment that points clients at it, for the S3 tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


@contextmanager
def moto_s3_server() -> Iterator[tuple[str, int]]:
    """Start moto's S3 server on 127.0.0.1 (a free port); yield (host, port); stop it."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        yield server.get_host_and_port()
    finally:
        server.stop()


def aws_env(env: pytest.MonkeyPatch, endpoint: str, max_attempts: int = 5) -> None:
    """Credentials, endpoint and botocore retries as environment variables; new s3fs clients."""
    import s3fs

    env.setenv("AWS_ACCESS_KEY_ID", "testing")
    env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    env.setenv("AWS_DEFAULT_REGION", "us-east-1")
    env.setenv("AWS_ENDPOINT_URL", endpoint)
    env.setenv("AWS_RETRY_MODE", "standard")
    env.setenv("AWS_MAX_ATTEMPTS", str(max_attempts))
    s3fs.S3FileSystem.clear_instance_cache()
