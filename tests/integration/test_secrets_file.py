"""The install's secrets on disk: made once with owner-only permissions, and the same for every process."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lmis.storage.secrets_file import load_secrets


def test_servers_starting_together_share_one_keyring_and_one_signing_key(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    with ThreadPoolExecutor(max_workers=8) as pool:
        loaded = list(pool.map(lambda _: load_secrets(folder, keyring_json=None, secret_key=None), range(16)))
    assert len({(s.keyring.active, s.keyring.keys[s.keyring.active]) for s in loaded}) == 1
    assert len({(s.index_key, s.signing_key) for s in loaded}) == 1
    for name in ("keyring.json", "index.key", "signing.key"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == ["index.key", "keyring.json", "signing.key"]  # no leftovers


def test_given_settings_win_over_the_files(tmp_path: Path) -> None:
    keyring = '{"active": "k1", "keys": {"k1": "' + "A" * 43 + '="}}'
    loaded = load_secrets(tmp_path, keyring_json=keyring, secret_key="from the environment")
    assert (loaded.keyring.active, loaded.signing_key) == ("k1", b"from the environment")
    assert not (tmp_path / "keyring.json").exists()
