"""The parameters contract: one typed, frozen object; bad keys fail loudly, by name."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from analysis.config import PATHS, Params, ParamsError, load_params, params_from_dict


def _raw():
    with open(PATHS.params, "rb") as fh:
        return tomllib.load(fh)


def _write(tmp_path, text: str):
    path = tmp_path / "params.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_values_equal_the_dataclass_defaults(params):
    # The dataclass defaults are the only defaults in the code; the committed file
    # names every key with the same value (the reduced profile aside).
    defaults = Params()
    for f in dataclasses.fields(Params):
        if f.name in ("source", "reproduce"):
            continue
        assert getattr(params, f.name) == getattr(defaults, f.name), f.name


def test_params_are_frozen(params):
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.topics.num_topics = 7


def test_unknown_key_names_file_section_and_key(tmp_path):
    text = PATHS.params.read_text(encoding="utf-8").replace(
        "[topics]\n", "[topics]\nrandom_sate = 1\n", 1)
    path = _write(tmp_path, text)
    with pytest.raises(ParamsError, match=r"params\.toml: \[topics\] unknown key 'random_sate'"):
        load_params(path)


def test_missing_key_names_file_section_and_key(tmp_path):
    lines = PATHS.params.read_text(encoding="utf-8").splitlines()
    kept = [ln for ln in lines if not ln.startswith("n_boot =")]
    assert len(kept) == len(lines) - 1
    path = _write(tmp_path, "\n".join(kept) + "\n")
    with pytest.raises(ParamsError, match=r"params\.toml: \[compare\] n_boot: missing key"):
        load_params(path)


def test_missing_key_in_a_subsection(tmp_path):
    data = _raw()
    del data["cooccur"]["differential"]["n_perm"]
    with pytest.raises(ParamsError, match=r"\[cooccur\.differential\] n_perm: missing key"):
        params_from_dict(data, source="x.toml")


def test_mistyped_value_is_refused():
    data = _raw()
    data["topics"]["random_state"] = "20240501"
    with pytest.raises(ParamsError, match=r"\[topics\] random_state: expected int"):
        params_from_dict(data, source="x.toml")
    data = _raw()
    data["segment"]["drop_numbers"] = 1
    with pytest.raises(ParamsError, match=r"\[segment\] drop_numbers: expected bool"):
        params_from_dict(data, source="x.toml")


def test_reduced_profile_applies_checked_overrides(params):
    reduced = params.reduced()
    assert reduced.topics.k_range == (4, 5, 6)
    assert reduced.compare.n_boot == 200
    assert reduced.cooccur.differential.n_perm == 999
    assert params.topics.k_range != reduced.topics.k_range  # the original is untouched
    with pytest.raises(ParamsError, match="no key 'nope'"):
        params.replace({"topics.nope": 1})


def test_round_trip_through_plain_data(params):
    assert params_from_dict(params.to_dict()) == params


def test_bench_anchor_settings_are_checked():
    data = _raw()
    data["bench"]["anchor_passes"] = 0
    with pytest.raises(ParamsError, match=r"x\.toml: \[bench\] anchor_passes: 0 < 1"):
        params_from_dict(data, source="x.toml")
    data = _raw()
    data["bench"]["anchor_ll_tol"] = 0.0
    with pytest.raises(ParamsError, match=r"\[bench\] anchor_ll_tol: 0.0 must be > 0"):
        params_from_dict(data, source="x.toml")
    data = _raw()
    data["bench"]["anchor_tomotopy_iters"] = 10
    with pytest.raises(ParamsError, match=r"\[bench\] anchor_tomotopy_iters: 10 < 20"):
        params_from_dict(data, source="x.toml")
