"""Numbers said as a presenter says them: counts, decimals, years, ordinals, dates, powers of ten."""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
# Powers of ten that have a name; "1×10⁹" is "one billion", not "one times ten to the ninth".
SCALES = {3: "thousand", 6: "million", 9: "billion", 12: "trillion"}
SCALE_WORDS = {"thousand": 3, "k": 3, "million": 6, "m": 6, "mn": 6, "billion": 9, "bn": 9,
               "b": 9, "trillion": 12, "tn": 12}


def words(n: int) -> str:
    """A whole number in words, British style: 7959 -> "seven thousand nine hundred and fifty-nine"."""
    return str(num2words(n, lang="en_GB")).replace(",", "")


def say_digits(digits: str) -> str:
    """A run of digits: a count, except codes with a leading zero and very long runs, read digit by digit."""
    digits = digits.replace(",", "").replace(" ", "")
    if len(digits) > 15 or (len(digits) > 1 and digits[0] == "0"):
        return digit_by_digit(digits)
    return words(int(digits))


def digit_by_digit(digits: str) -> str:
    """Each digit on its own: "17938" -> "one seven nine three eight"."""
    return " ".join(words(int(d)) for d in digits if d.isdigit())


def say_decimal(text: str, *, leading_zero: bool = True) -> str:
    """A written decimal without trailing zeros: "1.30" -> "one point three", ".008" -> "point zero zero eight"."""
    whole, _, frac = text.replace(",", "").replace(" ", "").partition(".")
    frac = frac.rstrip("0")  # "1.30" is the value 1.3: a presenter never says "point three zero"
    said = say_digits(whole) if whole and (leading_zero or whole.strip("0")) else ""
    if frac:
        said = (said + " point " if said else "point ") + digit_by_digit(frac)
    return said or "zero"


def say_number(n: int | float) -> str:
    """Say a number in words: 1200 -> "one thousand two hundred", 2.5 -> "two point five"."""
    if isinstance(n, float) and n != n:
        return "not a number"
    sign = "minus " if n < 0 else ""
    if isinstance(n, float):
        if abs(n) == float("inf"):
            return sign + "infinity"
        return sign + say_decimal(format(Decimal(repr(abs(n))), "f"))
    return sign + say_digits(str(abs(n)))


def say_year(year: int) -> str:
    """Say a year as a British podcast host would: 2005 -> "two thousand and five", 2023 -> "twenty twenty-three"."""
    if not 1000 <= year <= 2999:
        return say_number(year)
    return str(num2words(year, lang="en_GB", to="year")).replace("oh-", "oh ")


def say_ordinal(n: int) -> str:
    """Say an ordinal: 3 -> "third", 21 -> "twenty-first"."""
    if n < 0:
        raise ValueError(f"no ordinal for {n}")
    return str(num2words(n, lang="en_GB", to="ordinal")).replace(",", "")


def say_date(year: int | None, month: int | None = None, day: int | None = None) -> str:
    """Say a date at its precision: "the eleventh of October, twenty twenty-three", "July twenty twenty-four"."""
    if month is None:
        return say_year(year) if year is not None else ""
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        raise ValueError(f"not a date: {year}-{month}-{day}")
    said = f"the {say_ordinal(day)} of {MONTHS[month - 1]}" if day else MONTHS[month - 1]
    if year is None:
        return said
    return f"{said}, {say_year(year)}" if day else f"{said} {say_year(year)}"


def say_power(exponent: int) -> str:
    """Ten to a power: 9 -> "ten to the ninth", -8 -> "ten to the minus eight"."""
    if exponent < 0:
        return f"ten to the minus {words(-exponent)}"
    return f"ten to the {say_ordinal(exponent)}"


def say_scientific(mantissa: str | None, exponent: int) -> str:
    """Scientific notation as the number it is: ("1", 9) -> "one billion", ("3", 5) -> "three hundred thousand"."""
    mantissa = mantissa.replace(",", "").replace(" ", "") if mantissa else None
    value = Decimal(mantissa or "1").scaleb(exponent)
    if 0 <= exponent and value == value.to_integral_value() and value < Decimal(10) ** 15:
        scale = max((k for k in SCALES if k <= exponent), default=0)
        head = format(value.scaleb(-scale).normalize(), "f")
        return say_decimal(head) + (f" {SCALES[scale]}" if scale else "")
    if mantissa is None:
        return say_power(exponent)
    return f"{say_decimal(mantissa)} times {say_power(exponent)}"


def say_scaled(number: str, scale: str) -> str:
    """A number with a scale word: ("1.2", "million") -> "one point two million"; "k" and "bn" said in full."""
    return f"{say_decimal(number)} {SCALES[SCALE_WORDS[scale.lower()]]}"


def is_year(digits: str) -> bool:
    """Whether four digits read as a year (1900-2099)."""
    return len(digits) == 4 and digits.isdecimal() and 1900 <= int(digits) <= 2099


def plural(said: str) -> str:
    """A spoken number made plural: "nineteen ninety" -> "nineteen nineties"."""
    return said[:-1] + "ies" if said.endswith("y") else said + "s"
