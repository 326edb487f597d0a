"""Downloads are built on the first click for their settings, then served from memory."""

from __future__ import annotations

from ui import exports


def test_an_export_is_built_once_per_key_and_only_the_last_few_are_kept():
    calls = []

    def build(name):
        calls.append(name)
        return name.encode()

    for key in ("a", "a", "b", "a"):
        assert exports.lazily(("test", key), lambda k=key: build(k))() == key.encode()
    assert calls == ["a", "b"]
    for n in range(exports.KEEP):  # push "a" and "b" out
        exports.built_once(("filler", n), lambda: b"")
    exports.built_once(("test", "a"), lambda: build("a"))
    assert calls == ["a", "b", "a"]
    assert len(exports._built) <= exports.KEEP
