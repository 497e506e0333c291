"""HTTPS on a venue network with no internet: the host's own certificate authority."""
from __future__ import annotations

import http.client
import ssl
import threading

import pytest
from werkzeug.serving import make_server


def test_the_venue_certificate_serves_lanyard_over_https_to_devices_that_trust_its_authority(
        app, tmp_path):
    out = tmp_path / "tls"
    result = app.test_cli_runner().invoke(args=["venue-certificate", "--name", "localhost",
                                                "--ip", "127.0.0.1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "venue-ca.pem" in result.output and "gunicorn" in result.output
    assert (out / "server-key.pem").stat().st_mode & 0o077 == 0  # the key is its owner's only
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(out / "server.pem", out / "server-key.pem")
    server = make_server("127.0.0.1", 0, app, threaded=True, ssl_context=context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        device = ssl.create_default_context(cafile=str(out / "venue-ca.pem"))
        connection = http.client.HTTPSConnection("127.0.0.1", server.server_port, context=device)
        connection.request("GET", "/login")
        assert connection.getresponse().status == 200
        # A device that does not trust the venue's authority refuses the connection.
        stranger = http.client.HTTPSConnection("127.0.0.1", server.server_port,
                                               context=ssl.create_default_context())
        with pytest.raises(ssl.SSLCertVerificationError):
            stranger.request("GET", "/login")
    finally:
        server.shutdown()
        thread.join(5)


def test_a_venue_certificate_needs_a_name_or_address(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["venue-certificate", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "at least one host name or IP address" in result.output
