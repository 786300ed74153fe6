"""Draw the example cards the README shows, from fixed sample data (the same bytes every run).

Run from the repository root:  .venv/bin/python docs/cards/render.py [--out DIR]

Writes stats-1-topic.png, stats-14-topics.png, leaderboard.png and duel.png, each as the bot
sends it, and phone.png: the cards scaled to the width Discord gives an image in a phone's chat
(about 320 of a 390-point-wide screen, drawn at 2x), to check that the text still reads there.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cogs.duel import card as duel_card
from cogs.leaderboard import cards

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 3, 18)
PHONE_SCREEN_PX = 780  # a 390-point-wide phone at 2x
PHONE_CARD_PX = 640  # what is left of it beside the avatar column and the margins
PHONE_LEFT_PX = 112

# (topic, right, answers): fourteen topics, from strong to weak, one name too long to fit.
TOPICS = [
    ("rag", 19, 19), ("agents", 11, 12), ("safety-ethics", 21, 23), ("sampling", 22, 25),
    ("fundamentals", 15, 17), ("deployment", 7, 8), ("transformers", 20, 25),
    ("generative-models", 12, 18), ("evaluation", 11, 20), ("tokenization", 5, 10),
    ("llms", 9, 18), ("prompting", 10, 24), ("retrieval-augmented-generation", 6, 16),
    ("fine-tuning", 5, 17),
]  # fmt: skip
ACTIVITY = [2, 3, 6, 4, 2, 2, 6, 4, 2, 4, 3, 2, 1, 6, 6, 0, 6, 1, 0, 3, 6, 1, 0, 6, 4, 0, 4, 2,
            3, 6]  # fmt: skip


def days(counts: list[int]) -> list[tuple[date, int]]:
    first = TODAY - timedelta(days=len(counts) - 1)
    return [(first + timedelta(days=i), n) for i, n in enumerate(counts)]


def stats_many() -> cards.CardData:
    return cards.CardData(
        name="alice",
        headline="412 points · 74% right · streak 6 days · rating 1587",
        topic_accuracy=[(t, right / n, n) for t, right, n in TOPICS],
        daily_activity=days(ACTIVITY),
    )


def stats_one() -> cards.CardData:
    return cards.CardData(
        name="Bob Smith",
        headline="20 points · 67% right · streak 1 day",
        topic_accuracy=[("rag", 2 / 3, 3)],
        daily_activity=days([0] * 27 + [2, 0, 1]),
    )


def leaderboard() -> cards.BoardCardData:
    rows = [
        ("carol", 1003, 400), ("Bob Smith", 1004, 365), ("alice", 1009, 365),
        ("dmitri_k", 1012, 295), ("Éloïse", 1018, 260), ("Fatima Zahra", 1021, 225),
        ("grace.hopper", 1026, 190), ("Hiro 🌸", 1031, 155), ("ivan", 1034, 120),
        ("a member with a very long display name", 1039, 85),
    ]  # fmt: skip
    entries = []
    for position, (name, user_id, points) in enumerate(rows, start=1):
        rank = entries[-1].rank if entries and entries[-1].value == points else position
        entries.append(cards.BoardEntry(rank, user_id, name, points, f"{points} pts"))
    me = cards.BoardEntry(12, 1044, "june", 40, "40 pts")
    return cards.BoardCardData(
        "Points · this week", "14 members ranked · you are #12 of 14", entries, me.user_id, me
    )


def duel() -> duel_card.DuelCardData:
    answer = duel_card.RoundAnswer
    return duel_card.DuelCardData(
        title="alice wins",
        subtitle="5 rounds · right and fast answers score most",
        players=(
            duel_card.Player(1009, "alice", 3420, 1532.4, 32.4),
            duel_card.Player(1004, "Bob Smith", 2150, 1468.1, -31.9),
        ),
        rounds=[
            (answer(930, True, 2.8), answer(810, True, 7.6)),
            (answer(0, False, 9.1), answer(700, True, 12.0)),
            (answer(880, True, 4.8), None),
            (answer(760, True, 9.6), answer(0, False, 3.3)),
            (answer(850, True, 6.0), answer(640, True, 14.4)),
        ],
    )


def phone(pngs: list[bytes]) -> bytes:
    """The cards one under another at phone-chat width, on Discord's dark background."""
    from PIL import Image

    scaled = []
    for png in pngs:
        image = Image.open(io.BytesIO(png)).convert("RGB")
        height = round(image.height * PHONE_CARD_PX / image.width)
        scaled.append(image.resize((PHONE_CARD_PX, height), Image.Resampling.LANCZOS))
    gap = 40
    sheet = Image.new(
        "RGB", (PHONE_SCREEN_PX, sum(i.height for i in scaled) + gap * (len(scaled) + 1)),
        (0x31, 0x33, 0x38),
    )  # fmt: skip
    y = gap
    for image in scaled:
        sheet.paste(image, (PHONE_LEFT_PX, y))
        y += image.height + gap
    out = io.BytesIO()
    sheet.save(out, format="PNG", optimize=True)
    return out.getvalue()


def render_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    drawn = {
        "stats-1-topic.png": cards.render_card(stats_one()),
        "stats-14-topics.png": cards.render_card(stats_many()),
        "leaderboard.png": cards.render_board(leaderboard()),
        "duel.png": duel_card.render_duel(duel()),
    }
    drawn["phone.png"] = phone(list(drawn.values()))
    written = []
    for name, png in drawn.items():
        path = out / name
        path.write_bytes(png)
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for the PNGs")
    args = parser.parse_args()
    for path in render_all(args.out):
        print(f"{path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
