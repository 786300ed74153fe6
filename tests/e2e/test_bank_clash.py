"""Item ids that clash: imports refused atomically (the database decides, even when two race),
and a newer built-in bank reusing an imported id keeps the server working (the import keeps
the id in that server; the built-in item is shadowed there and /bank list says so)."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

from db import banks
from offline import OfflineDiscord
from tests.helpers import TEST_BANK, import_file, mod, posts, setup_daily

CLUB = """\
topic: our-club
title: Our club's own questions
items:
  - id: club-mascot
    kind: short
    level: beginner
    prompt: What animal is our study club's mascot?
    answers: [owl]
    explanation: The owl stands for late-night study sessions.
"""

OTHER_CLUB = """\
topic: book-club
title: The book club's questions
items:
  - id: club-mascot
    kind: truefalse
    level: beginner
    prompt: The book club's mascot is a cat.
    answer: true
    explanation: A cat, asleep on the books.
"""

# What a newer quizbot might ship: a built-in question whose id a server already imported.
UPGRADE = """\
topic: t-mascots
title: Mascots of famous projects
items:
  - id: club-mascot
    kind: short
    level: beginner
    prompt: Which animal is the mascot of the Go programming language?
    answers: [gopher]
    explanation: The Go gopher was drawn by Renee French.
"""


def upgraded_bank(tmp_path: Path) -> Path:
    folder = tmp_path / "builtin-v2"
    shutil.copytree(TEST_BANK, folder)
    (folder / "t-mascots.yaml").write_text(UPGRADE)
    return folder


async def test_two_imports_racing_for_one_id_give_one_bank_and_a_clear_refusal(
    server: OfflineDiscord,
) -> None:
    replies = await asyncio.gather(
        import_file(server, "our-club.yaml", CLUB),
        import_file(server, "book-club.yaml", OTHER_CLUB),
    )
    texts = [r.text for r in replies]
    assert sum("Imported" in t for t in texts) == 1, texts
    [refusal] = [t for t in texts if "Imported" not in t]
    assert (
        "club-mascot" in refusal
        and "already" in refusal
        and "nothing imported" in (refusal.lower())
    )
    assert await server.db.fetchval("SELECT count(*) FROM custom_banks") == 1
    listing = await server.slash(mod(server), "bank list")
    assert ("**our-club**" in listing.text) != ("**book-club**" in listing.text)


async def test_the_database_refuses_the_second_claim_whatever_the_cog_checked(
    server: OfflineDiscord,
) -> None:
    # Both writes skip the cog's friendly check, as two imports past it at once would.
    guild = server.guild.id
    stored = [
        banks.CustomBank(name, f"{name}.yaml", text, 1, 1, 0.0)
        for name, text in (("our-club", CLUB), ("book-club", OTHER_CLUB))
    ]
    results = await asyncio.gather(
        *(banks.save_bank(server.db, guild, b, ["club-mascot"]) for b in stored),
        return_exceptions=True,
    )
    assert [type(r) for r in results].count(banks.BankClash) == 1
    assert [r for r in results if not isinstance(r, Exception)] == [None]
    assert await server.db.fetchval("SELECT count(*) FROM custom_banks") == 1
    owners = await banks.item_owners(server.db, guild)
    assert list(owners) == ["club-mascot"]


async def test_two_imports_of_one_name_racing_never_overwrite_silently(
    server: OfflineDiscord,
) -> None:
    second = CLUB.replace("club-mascot", "club-colour").replace("animal", "colour")
    replies = await asyncio.gather(
        import_file(server, "our-club.yaml", CLUB),
        import_file(server, "our-club.yaml", second),
    )
    texts = [r.text for r in replies]
    assert sum("Imported" in t for t in texts) == 1, texts
    [other] = [t for t in texts if "Imported" not in t]
    assert "meanwhile" in other or "Replace it" in other
    owners = await banks.item_owners(server.db, server.guild.id)
    assert len(owners) == 1 and set(owners.values()) == {"our-club"}


async def test_replacing_a_bank_keeps_its_own_ids_and_frees_the_dropped_ones(
    server: OfflineDiscord,
) -> None:
    assert "Imported" in (await import_file(server, "our-club.yaml", CLUB)).text
    renamed = CLUB.replace("club-mascot", "club-animal")
    ask = await import_file(server, "our-club.yaml", renamed)
    done = await server.click(mod(server), ask.message, label="Replace")
    assert "Imported **our-club**" in done.text
    assert await banks.item_owners(server.db, server.guild.id) == {"club-animal": "our-club"}
    # The freed id can now go to another bank.
    assert "Imported" in (await import_file(server, "book-club.yaml", OTHER_CLUB)).text


async def test_an_upgrade_whose_builtin_bank_reuses_an_imported_id_keeps_the_server_working(
    server: OfflineDiscord, tmp_path: Path
) -> None:
    assert "Imported" in (await import_file(server, "our-club.yaml", CLUB)).text
    # The next release ships a built-in question with the same id: start on that bank.
    server.config_overrides["bank"] = str(upgraded_bank(tmp_path))
    await server.restart()

    listing = await server.slash(mod(server), "bank list")
    assert "replaced here by imports: 1" in listing.text and "club-mascot" in listing.text
    channel = await setup_daily(server, topics="our-club")
    await server.advance(hours=1, minutes=1)
    [post] = posts(server, channel)
    assert "study club's mascot" in post.text()  # this server still gets its own question
    opened = await server.click(server.member("alice"), post, label="Answer")
    ack = await server.submit_modal(server.member("alice"), opened, answer="owl")
    assert "Answer recorded" in ack.content

    # A server that imported nothing gets the new built-in question under that id.
    other = server.guild_named("Other")
    other_channel = server.channel("daily", guild=other)
    reply = await server.slash(
        server.member("other-mod", admin=True, guild=other), "daily setup",
        channel=other_channel, time="10:00", timezone="UTC", topics="t-mascots",
        in_channel=other_channel,
    )  # fmt: skip
    assert "Daily question set" in reply.content
    await server.advance(hours=1)
    [other_post] = posts(server, other_channel)
    assert "Go programming language" in other_post.text()
    other_listing = await server.slash(
        server.member("other-mod", guild=other), "bank list", in_channel=other_channel
    )
    assert "replaced here" not in other_listing.text


async def test_clashing_banks_stored_before_ids_were_unique_still_load(
    server: OfflineDiscord,
) -> None:
    # What the old race left behind: two banks of one server holding the same id, with no
    # record of who owns it (a database from before migration 0011).
    for name, text, at in (("our-club", CLUB, 1.0), ("book-club", OTHER_CLUB, 2.0)):
        await server.db.write(
            "INSERT INTO custom_banks (guild_id, name, filename, source, item_count, "
            "imported_by, imported_at) VALUES (?, ?, ?, ?, 1, 1, ?)",
            (server.guild.id, name, f"{name}.yaml", text, at),
        )
    await server.restart()
    channel = await setup_daily(server, topics="our-club")
    await server.advance(hours=1, minutes=1)
    assert "study club's mascot" in posts(server, channel)[0].text()  # the first import keeps it
    assert await banks.item_owners(server.db, server.guild.id) == {"club-mascot": "our-club"}
    listing = await server.slash(mod(server), "bank list")
    assert "**our-club**" in listing.text and "**book-club**" in listing.text
