"""Glicko-2 duel ratings: pure functions the duel cog and the leaderboards both use.

Implemented from Mark Glickman's paper "Example of the Glicko-2 system". No library on PyPI is
both maintained and faithful to the paper, so the algorithm lives here in one pure function and
a test reproduces the paper's worked example. Each duel is one rating period for both players
(as lichess does); before it, a player's rating deviation grows with the days since their last
duel, so a rating nobody has defended for a while is less certain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SCALE = 173.7178
START_RATING = 1500.0
START_RD = 350.0
START_VOLATILITY = 0.06
TAU = 0.5
PROVISIONAL_RD = 110.0
EPSILON = 0.000001


@dataclass(frozen=True)
class Rating:
    rating: float = START_RATING
    rd: float = START_RD
    volatility: float = START_VOLATILITY

    @property
    def provisional(self) -> bool:
        return self.rd > PROVISIONAL_RD

    def shown(self) -> str:
        """``1500?`` while provisional, as lichess shows it."""
        return f"{self.rating:.0f}{'?' if self.provisional else ''}"


def _g(phi: float) -> float:
    return 1 / math.sqrt(1 + 3 * phi * phi / math.pi**2)


def _expected(mu: float, mu_j: float, phi_j: float) -> float:
    return 1 / (1 + math.exp(-_g(phi_j) * (mu - mu_j)))


def inactive(player: Rating, periods: float) -> Rating:
    """The deviation after ``periods`` rating periods without games (step 6 of the paper)."""
    if periods <= 0:
        return player
    phi = player.rd / SCALE
    phi = math.sqrt(phi * phi + periods * player.volatility**2)
    return Rating(player.rating, min(START_RD, phi * SCALE), player.volatility)


def update(player: Rating, results: list[tuple[Rating, float]], tau: float = TAU) -> Rating:
    """One rating period: ``results`` holds (opponent, score) with score 1, 0.5 or 0."""
    if not results:
        return inactive(player, 1)
    mu = (player.rating - START_RATING) / SCALE
    phi = player.rd / SCALE
    sigma = player.volatility

    v_inverse = 0.0
    delta_sum = 0.0
    for opponent, score in results:
        mu_j = (opponent.rating - START_RATING) / SCALE
        phi_j = opponent.rd / SCALE
        expected = _expected(mu, mu_j, phi_j)
        v_inverse += _g(phi_j) ** 2 * expected * (1 - expected)
        delta_sum += _g(phi_j) * (score - expected)
    v = 1 / v_inverse
    delta = v * delta_sum

    sigma_new = _new_volatility(sigma, phi, v, delta, tau)
    phi_star = math.sqrt(phi * phi + sigma_new * sigma_new)
    phi_new = 1 / math.sqrt(1 / (phi_star * phi_star) + 1 / v)
    mu_new = mu + phi_new * phi_new * delta_sum
    return Rating(mu_new * SCALE + START_RATING, phi_new * SCALE, sigma_new)


def _new_volatility(sigma: float, phi: float, v: float, delta: float, tau: float) -> float:
    """Step 5: the Illinois algorithm on f(x) as the paper gives it."""
    a = math.log(sigma * sigma)

    def f(x: float) -> float:
        ex = math.exp(x)
        return (ex * (delta * delta - phi * phi - v - ex)) / (2 * (phi * phi + v + ex) ** 2) - (
            x - a
        ) / (tau * tau)

    upper = a
    if delta * delta > phi * phi + v:
        lower = math.log(delta * delta - phi * phi - v)
    else:
        k = 1
        while f(a - k * tau) < 0:
            k += 1
        lower = a - k * tau
    f_upper, f_lower = f(upper), f(lower)
    while abs(lower - upper) > EPSILON:
        c = upper + (upper - lower) * f_upper / (f_lower - f_upper)
        f_c = f(c)
        if f_c * f_lower <= 0:
            upper, f_upper = lower, f_lower
        else:
            f_upper = f_upper / 2
        lower, f_lower = c, f_c
    return math.exp(upper / 2)


SECONDS_PER_PERIOD = 86400.0  # a day without duels is one inactive rating period


def as_of(stored: Rating, last_played_at: float | None, now: float) -> Rating:
    """A stored rating as it stands ``now``: less certain for every idle day."""
    if last_played_at is None:
        return stored
    return inactive(stored, (now - last_played_at) / SECONDS_PER_PERIOD)


def current(
    rating: float, rd: float, volatility: float, last_played_at: float | None, now: float
) -> Rating:
    """A stored rating's three numbers as the rating stands ``now``."""
    return as_of(Rating(rating, rd, volatility), last_played_at, now)


def duel(a: Rating, b: Rating, score_a: float) -> tuple[Rating, Rating]:
    """Both players' ratings after one duel (``score_a``: 1 win, 0.5 draw, 0 loss)."""
    return update(a, [(b, score_a)]), update(b, [(a, 1 - score_a)])
