"""The spoken form: what the speech engine is given in place of a turn's written text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from pipeline.errors import PapercastError
from pipeline.script.spoken import (
    DEFAULT_ABBREVIATIONS,
    SpokenForm,
    load_pronunciations,
    say_date,
    say_number,
    say_ordinal,
    say_year,
)


def say(text: str) -> str:
    """A fresh episode, so no abbreviation has been introduced yet."""
    return SpokenForm().say(text)


def test_module_helpers():
    assert say_number(12) == "twelve"
    assert say_number(1200) == "one thousand two hundred"
    assert say_number(2.5) == "two point five"
    assert say_number(-0.05) == "minus zero point zero five"
    assert [say_year(y) for y in (2005, 2023, 1998, 2000)] == [
        "two thousand and five", "twenty twenty-three", "nineteen ninety-eight", "two thousand"]
    assert say_ordinal(3) == "third"
    assert say_ordinal(21) == "twenty-first"
    assert say_date(2023, 10, 11) == "the eleventh of October, twenty twenty-three"
    assert say_date(2024, 7) == "July twenty twenty-four"
    assert say_date(2025) == "twenty twenty-five"
    with pytest.raises(ValueError):
        say_date(2025, 13)


@pytest.mark.parametrize(("written", "spoken"), [
    ("12 trials", "twelve trials"),
    ("a dose of 2.5", "a dose of two point five"),
    ("1,200 patients", "one thousand two hundred patients"),
    ("35% of patients", "thirty-five percent of patients"),
    ("from 2019–2023", "from twenty nineteen to twenty twenty-three"),
    ("10-20 attacks", "ten to twenty attacks"),
    ("10%–20% fewer", "ten to twenty percent fewer"),
    ("published in 2023", "published in twenty twenty-three"),
    ("in 2005 and 1998", "in two thousand and five and nineteen ninety-eight"),
    ("with n = 1998", "with n equals one thousand nine hundred and ninety-eight"),
    ("the 3rd visit", "the third visit"),
    ("p < 0.05", "a p-value below point zero five"),  # one p-value style: see statistics.py
    ("12/20 patients", "twelve out of twenty patients"),
    ("the 1990s", "the nineteen nineties"),
    ("type II diabetes", "type two diabetes"),
    ("a 1:1 ratio", "a one to one ratio"),
    ("costs $2.50", "costs two dollars fifty"),
])
def test_numbers(written, spoken):
    assert say(written) == spoken


def test_dates_in_text():
    assert say("on 11 October 2023") == "on the eleventh of October, twenty twenty-three"
    assert say("on 2023-10-11") == "on the eleventh of October, twenty twenty-three"
    assert say("in July 2024") == "in July twenty twenty-four"


@pytest.mark.parametrize(("written", "spoken"), [
    ("1 mg", "one milligram"),
    ("5 mg", "five milligrams"),
    ("500 μg", "five hundred micrograms"),
    ("2.5 mL", "two point five millilitres"),
    ("24 h", "twenty-four hours"),
    ("10–20 mg", "ten to twenty milligrams"),
    ("5 mg/kg", "five milligrams per kilogram"),
    ("at 37 °C", "at thirty-seven degrees Celsius"),
])
def test_units(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), [
    ("TNFα", "T N F alpha"),
    ("HIF-1α", "H I F one alpha"),
    ("IL-6", "I L six"),
    ("NF-κB", "N F kappa B"),
    ("α-synuclein", "alpha-synuclein"),
    ("β and γ", "beta and gamma"),
])
def test_greek_letters(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), [
    ("HMGB1", "H M G B one"),
    ("VE-cadherin", "V E cadherin"),
    ("DNA", "D N A"),
    ("NASA, AIDS and COVID-19", "NASA, AIDS and COVID nineteen"),
    ("Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via TNFα Upregulation",
     "Gut Microbiota Dysbiosis Enhances Migraine-Like Pain Via T N F alpha Upregulation"),
    ("THE GUT MICROBIOME IN MIGRAINE", "the gut microbiome in migraine"),
])
def test_acronyms_are_spelled(written, spoken):
    assert say(written) == spoken


def test_title_from_the_reading_list():
    title = ("Lipopolysaccharide, VE-cadherin, HMGB1, and HIF-1α levels are elevated in chronic "
             "migraine + medication-overuse headache")
    assert say(title) == ("Lipopolysaccharide, V E cadherin, H M G B one, and H I F one alpha levels are "
                          "elevated in chronic migraine and medication-overuse headache")


# LPS is the demo show's word (its vocabulary.toml), not papercast's general vocabulary.
WITH_LPS = {**DEFAULT_ABBREVIATIONS, "LPS": "lipopolysaccharide"}


def test_abbreviations_expand_on_first_use_only():
    episode = SpokenForm(abbreviations=WITH_LPS)
    assert episode.say("RCTs") == "randomised controlled trials, R C Ts"
    assert episode.say("Meta-analysis of RCTs confirms it") == "Meta-analysis of R C Ts confirms it"
    assert episode.say("one RCT") == "one R C T"  # singular and plural share one introduction
    assert episode.say("raised LPS levels") == "raised lipopolysaccharide, L P S, levels"
    assert SpokenForm().say("Meta-analysis of RCTs confirms") == (
        "Meta-analysis of randomised controlled trials, R C Ts, confirms")


def test_abbreviation_already_expanded_by_the_writer_is_only_spelled():
    episode = SpokenForm()
    assert episode.say("Mendelian randomisation (MR) shows") == "Mendelian randomisation, M R, shows"
    assert episode.say("MR again") == "M R again"


def test_abbreviation_inside_a_compound_is_said_in_full_without_introducing_it():
    episode = SpokenForm(abbreviations=WITH_LPS)
    assert episode.say("LPS-induced pain") == "lipopolysaccharide-induced pain"
    assert episode.say("LPS") == "lipopolysaccharide, L P S"


def test_custom_abbreviation_table():
    episode = SpokenForm(abbreviations={**DEFAULT_ABBREVIATIONS, "IL-6": "interleukin six"})
    assert episode.say("IL-6 rises") == "interleukin six, I L six, rises"
    assert SpokenForm(abbreviations={}).say("LPS") == "L P S"


@pytest.mark.parametrize(("written", "spoken"), [
    ("chronic migraine + medication-overuse headache", "chronic migraine and medication-overuse headache"),
    ("CD4+ cells", "C D four plus cells"),
    ("pre/probiotic", "pre or probiotic"),
    ("x > 3 and y ≤ 4", "x more than three and y at most four"),
    ("2.5 ± 0.3", "two point five plus or minus zero point three"),
    ("3 × 4", "three times four"),
    ("Faecalibacterium & Veillonella", "Faecalibacterium and Veillonella"),
    ("~50 mice", "about fifty mice"),
    ("r = −0.4", "correlation coefficient minus zero point four"),  # statistics said in full
])
def test_symbols(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), [
    ("diet—and sleep—matter", "diet, and sleep, matter"),
    ("diet – and sleep", "diet, and sleep"),
    ("the gut–brain axis", "the gut-brain axis"),  # an unspaced en dash joins a compound
    ("probiotic–synbiotic regimens", "probiotic-synbiotic regimens"),
    ("medication-overuse headache", "medication-overuse headache"),
])
def test_dashes(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), [
    ("Tang et al. showed", "Tang and colleagues showed"),
    ("as shown by Tang et al.", "as shown by Tang and colleagues."),
    ("diets, e.g. keto", "diets, for example keto"),
    ("E.g. keto", "For example keto"),
    ("the gut, i.e. the colon", "the gut, that is the colon"),
    ("diet vs. drugs vs placebo", "diet versus drugs versus placebo"),
    ("approx. half", "approximately half"),
])
def test_shorthand(written, spoken):
    assert say(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), [
    ("see https://doi.org/10.1186/s10194-023-01609-x.", "see."),
    ("doi:10.1007/s12035-019-01721-7 is the paper", "is the paper"),
    ("(10.3390/microorganisms11082083) says so", "says so"),
    ("visit www.example.com today", "visit today"),
    ("<i>Faecalibacterium</i> &lt; 5%", "Faecalibacterium less than five percent"),
    ("especially \\textit{Faecalibacterium}", "especially Faecalibacterium"),
    ("{TNF}$\\alpha$ upregulation", "T N F alpha upregulation"),
    ("the gut--brain axis", "the gut-brain axis"),
    ("x < y and y > z", "x less than y and y more than z"),
    ("as shown [12, 14]", "as shown"),
])
def test_links_and_markup_are_removed(written, spoken):
    assert say(written) == spoken


def test_never_empty_when_there_are_words():
    assert say("https://example.com") == "the link is in the show notes"
    assert say("\\textit{}") == "textit"
    assert say("{} $ ") == ""


def test_pronunciation_overrides_win_and_are_not_spelled():
    episode = SpokenForm({"Faecalibacterium": "fee-cal-ih-bak-TEER-ee-um", "LPS": "el pee ess"})
    assert episode.say("Faecalibacterium and LPS") == "fee-cal-ih-bak-TEER-ee-um and el pee ess"
    assert episode.say("faecalibacterium") == "fee-cal-ih-bak-TEER-ee-um"  # case-insensitive fallback
    assert episode.say("Faecalibacteriums") == "Faecalibacteriums"  # whole words only


def test_case_sensitive_override_beats_case_insensitive():
    episode = SpokenForm({"MR": "Mendelian randomisation", "Mr": "mister"})
    assert episode.say("Mr Smith did MR") == "mister Smith did Mendelian randomisation"
    assert episode.say("mr") == "Mendelian randomisation"  # no exact entry: the first listed wins


def test_load_pronunciations(tmp_path: Path):
    toml = tmp_path / "pronunciations.toml"
    toml.write_text('Faecalibacterium = "fee-cal-ih-bak-TEER-ee-um"\n"C. difficile" = "see diff"\n',
                    encoding="utf-8")
    assert load_pronunciations(toml) == {"Faecalibacterium": "fee-cal-ih-bak-TEER-ee-um",
                                         "C. difficile": "see diff"}
    yaml_file = tmp_path / "pronunciations.yaml"
    yaml_file.write_text("Veillonella: vay-oh-NELL-a\n", encoding="utf-8")
    assert load_pronunciations(yaml_file) == {"Veillonella": "vay-oh-NELL-a"}
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_pronunciations(tmp_path / "empty.yaml") == {}


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.toml", "x = [", "not valid TOML"),
    ("bad.yaml", "a: [", "not valid YAML"),
    ("list.yaml", "- a\n- b\n", "must be a mapping"),
    ("number.toml", "x = 3\n", "'x' must map to a non-empty string"),
    ("bad.txt", "x", ".toml or .yaml"),
])
def test_load_pronunciations_errors_name_the_file(tmp_path: Path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PapercastError, match=re.escape(message)) as info:
        load_pronunciations(path)
    assert str(path) in str(info.value)
    with pytest.raises(PapercastError, match="file not found"):
        load_pronunciations(tmp_path / "missing.toml")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
@example("❶ HMGB❶ ٣٤ 12")  # digits that are not ASCII, nor all decimal
def test_say_never_raises_and_never_says_digits(text):
    spoken = SpokenForm().say(text)
    assert spoken.isprintable()
    assert not any(c.isdigit() for c in spoken)
    if any(c.isalpha() for c in text):
        assert spoken


_PIECES = st.one_of(
    st.sampled_from(["RCTs", "LPS", "TNFα", "HIF-1α", "IL-6", "e.g.", "et al.", "+", "/", "–", "—", "%",
                     "mg", "μg", "p <", "±", "(", ")", ",", ".", "gut", "Migraine", "doi:10.1/x"]),
    st.integers(min_value=0, max_value=10**9).map(str),
    st.floats(min_value=0, max_value=1e6, allow_nan=False).map(lambda f: f"{f:.3f}"),
    st.integers(min_value=1000, max_value=10**7).map("{:,}".format),
    st.integers(min_value=1, max_value=99).map(lambda n: f"{n}th"),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_PIECES, max_size=12).map(" ".join), st.lists(_PIECES, max_size=12).map("".join))
def test_text_made_of_numbers_and_symbols_is_said_without_digits(spaced, packed):
    episode = SpokenForm()
    for text in (spaced, packed):
        spoken = episode.say(text)
        assert spoken.isprintable()
        assert not re.search(r"[0-9]", spoken)
