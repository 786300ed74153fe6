"""Near misses found a block at a time give what rapidfuzz's one-at-a-time extract gives."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bank import nearmiss


def _one_at_a_time(choices: list[str]) -> dict[str, list[tuple[float, str]]]:
    near = {}
    for form in choices:
        found = process.extract(
            form, choices, scorer=fuzz.ratio, score_cutoff=nearmiss.NEAR_RATIO,
            limit=nearmiss.MAX_NEAR + 1,
        )  # fmt: skip
        near[form] = [(score, other) for other, score, _ in found if other != form]
    return near


def test_many_tied_look_alikes_keep_the_closest_twenty_in_list_order() -> None:
    # 300 answers that all look alike ("station 1" ... "station 300"): far more ties at each
    # score than MAX_NEAR, several blocks, and forms with no look-alike at all.
    choices = [f"station {n}" for n in range(1, 301)] + ["zebra", "quantum tunnelling"]
    expected = _one_at_a_time(choices)
    assert nearmiss._look_alikes(choices) == expected
    # Blocks of 7 rows, of 1 row: the block size changes nothing.
    assert nearmiss._look_alikes(choices, block_cells=7 * len(choices)) == expected
    assert nearmiss._look_alikes(choices, block_cells=1) == expected


def test_the_closest_look_alike_comes_first() -> None:
    choices = ["Australia", "Austria", "Austrailia", "Gambia", "Zambia", "Kingston", "Kingstown"]
    assert nearmiss._look_alikes(choices) == _one_at_a_time(choices)
    assert [other for _, other in nearmiss._look_alikes(choices)["Australia"]][:2] == [
        "Austrailia",
        "Austria",
    ]


def test_a_lone_form_and_no_forms() -> None:
    assert nearmiss._look_alikes(["only"]) == {"only": []}
    assert nearmiss._look_alikes([]) == {}
