"""The one credentials rule (coopgraph/credentials.py), used by query/sparql --endpoint and push."""

from __future__ import annotations

import pytest

from coopgraph import credentials
from coopgraph.errors import CoopgraphError, CredentialsError


@pytest.fixture
def env(monkeypatch, tmp_path):
    for var in (credentials.ENV_USER, credentials.ENV_PASSWORD):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    return monkeypatch


def test_environment_pair(env):
    env.setenv(credentials.ENV_USER, "u")
    env.setenv(credentials.ENV_PASSWORD, "p")
    assert credentials.for_host("h") == ("u", "p")


@pytest.mark.parametrize("user, password", [("u", ""), ("", "p"), ("u", None)])
def test_half_a_pair_is_an_error_naming_both_variables(env, user, password):
    env.setenv(credentials.ENV_USER, user)
    if password is not None:
        env.setenv(credentials.ENV_PASSWORD, password)
    with pytest.raises(CredentialsError, match="both COOPGRAPH_ENDPOINT_USER and COOPGRAPH_ENDPOINT_PASSWORD") as e:
        credentials.for_host("h")
    assert isinstance(e.value, CoopgraphError) and e.value.exit_code == 2


def test_empty_variables_mean_unset_then_netrc_then_anonymous(env, tmp_path):
    env.setenv(credentials.ENV_USER, "")
    env.setenv(credentials.ENV_PASSWORD, "")
    assert credentials.for_host("h") is None  # no netrc file
    (tmp_path / "netrc").write_text("machine h login u password p\ndefault login d password q\n")
    assert credentials.for_host("h") == ("u", "p")
    assert credentials.for_host("other") == ("d", "q")


def test_the_environment_wins_over_netrc(env, tmp_path):
    (tmp_path / "netrc").write_text("machine h login u password p\n")
    env.setenv(credentials.ENV_USER, "e")
    env.setenv(credentials.ENV_PASSWORD, "f")
    assert credentials.for_host("h") == ("e", "f")


def test_a_netrc_login_without_password_is_an_error(env, tmp_path):
    (tmp_path / "netrc").write_text("machine h login u\n")
    with pytest.raises(CredentialsError, match="login but no password for h"):
        credentials.for_host("h")
    assert credentials.for_host("elsewhere") is None


def test_an_unreadable_netrc_names_the_file_and_line_never_its_text(env, tmp_path):
    (tmp_path / "netrc").write_text("machine h login u password s3cret\nbogus-token here\n")
    with pytest.raises(CredentialsError) as e:
        credentials.for_host("h")
    assert str(tmp_path / "netrc") in str(e.value) and "s3cret" not in str(e.value)
