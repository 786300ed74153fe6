"""Questions: types, loading, validation and grading. Imports neither discord nor db."""

from bank.grading import Grade, grade
from bank.loader import BUILTIN_BANK, load_bank, load_bank_text
from bank.schema import (
    KINDS,
    LEVELS,
    QUICK_KINDS,
    BankError,
    BaseItem,
    Item,
    KeypointsItem,
    McqItem,
    ShortItem,
    TrueFalseItem,
)
from bank.validation import parse_item

__all__ = [
    "BUILTIN_BANK",
    "KINDS",
    "LEVELS",
    "QUICK_KINDS",
    "BankError",
    "BaseItem",
    "Grade",
    "Item",
    "KeypointsItem",
    "McqItem",
    "ShortItem",
    "TrueFalseItem",
    "grade",
    "load_bank",
    "load_bank_text",
    "parse_item",
]
