"""The patterns the fact extractor reads abstracts with (see facts.py for what each kind means).

Kept apart from the extraction code so each can be read alone: these are the words research
writing uses for samples, durations, arms, outcomes moving, effects and intervals, p-values,
pooled studies, heterogeneity, nulls, hedges and priority claims.
"""

from __future__ import annotations

import re

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
WORD_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
INT = r"\d{1,3}(?:[,\u2009\u202f ]\d{3})+(?!\d)|\d+"
NUM = r"[-−–]?\d+(?:\.\d+)?|[-−]?\.\d+"


def rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


PEOPLE = (r"adults|participants|patients|children|adolescents|women|men|individuals|people|subjects|volunteers|"
           r"infants|students|workers|employees|veterans|nurses|athletes|residents|twins|pairs|families|"
           r"cases|controls|respondents|survivors|smokers|users|pregnancies|births|mothers|neonates|"
           r"mice|rats|animals|dogs|pigs|piglets|monkeys|macaques|zebrafish|flies")
# "per 10 000 workers" is a rate's denominator, not who was studied.
# Not after ± (a spread: "38 ± 12 individuals/m²"), and not a density or rate ("individuals/m²").
SAMPLE = rx(rf"(?<![\w.,])(?<!per )(?<!\d[ \u2009\u202f])(?<!±)(?<!± )(?<!\+/- )(?P<n>{INT}|{WORD_NUMBER})\s+"
              rf"(?P<mods>(?:(?!(?:{PEOPLE})\b)[A-Za-z][\w'-]*\s+){{0,3}}?)"
              rf"(?P<noun>{PEOPLE})\b(?!\s*/|\s+per\b)(?P<tail>\s+(?:with|without|aged|who had|undergoing|from)\s+"
              r"(?:(?!(?:and|who|were|was|in|at|over|for|to|randomi[sz]ed|followed|\w+ed|had|has|have|showed)\b)[\w'’-]+\s?){1,4})?")
N_EQUALS = rx(rf"\b[nN]\s*=\s*(?P<n>{INT})")
ORGANISM = rx(r"\b(?P<o>mice|rats|zebrafish|piglets|macaques|primates|rodents|drosophila)\b"
              r"|\b(?P<m>mouse|murine|rat|rodent) models?\b")
DURATION = rx(rf"(?:\b(?P<lead>for|over|during|after|across|within|of|lasting|given|at)\s+(?:a\s+|the\s+)?)?"
                rf"(?:(?P<fu>(?:median|mean)\s+follow-up\s+of|followed(?:\s+up)?\s+for)\s+)?"
                rf"(?P<n>\d+(?:\.\d+)?|{WORD_NUMBER})(?:\s+|-)(?P<unit>hours?|days?|nights?|weeks?|months?|years?)\b"
                r"(?!\s+(?:old|of age|earlier|later|ago|before))")
AGE = rx(r"\b(aged|age[sd]?|older than|younger than|over the age of|under)\s*(?:\w+\s+)?$")
COMPARATOR = rx(r"\b(?:versus|vs\.?|compared (?:with|to)|relative to)\s+(?P<c>(?:an?\s+|the\s+)?"
                  r"[\w'’-]+(?:\s[\w'’-]+){0,3}?)(?=\s*[,;.()]|\s+(?:in|for|over|on|at|after|among|was|were|with|groups?|arms?|"
                  r"participants|patients|and|or|on)\b|$)")
CONTROLLED = rx(r"\b(?P<c>placebo|sham|vehicle|waitlist|wait-list)[- ]controlled\b")
ALLOCATED = rx(r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|allocated|assigned)\s+(?:\([^)]*\)\s+)?"
                 r"(?:\w+\s+){0,2}?to\s+(?:receive\s+)?(?P<i>[^,;()]+?)\s+(?:or|versus|vs\.?)\s+"
                 r"(?P<c>[^,;.()]+?)(?=[,;.()]|\s+(?:for|over|during|daily|nightly|twice|once|each|and)\b|$)")
GIVEN = rx(r"\b(?:received|were given|treated with|supplementation with|treatment with|administration of|"
             r"exposure to)\s+(?P<i>[\w'’-]+(?:\s[\w'’-]+){0,4}?)"
             r"(?=[,;.()]|\s+(?:for|over|during|or|versus|vs|and|daily|"
             r"nightly|compared|reduced|lowered|increased|improved|had|showed|was|were)\b|$)")
RATIOS = {"OR", "aOR", "HR", "aHR", "RR", "aRR", "IRR", "odds ratio", "hazard ratio", "risk ratio",
           "relative risk", "rate ratio"}
MEASURES = (r"aOR|aHR|aRR|IRR|OR|HR|RR|SMD|WMD|MD|RD|odds ratio|hazard ratio|risk ratio|relative risk|"
             r"rate ratio|(?:standardi[sz]ed )?mean difference|Hedges'?\s*g|Cohen'?s\s*d|β|beta|\bg\b|\bd\b|\br\b")
EFFECT = rx(rf"(?P<m>(?<![\w])(?:{MEASURES}))(?:\s*\(\w+\))?\s*(?:[=:,]|of|was|were)?\s*(?P<v>{NUM})"
            r"(?:\s*(?:mmol/L|mg/dL|mmHg|mm Hg|kg|min|minutes|hours|h|ms|points?|%))?"
              r"(?:\s+per\s+(?:standard deviation|SD|unit|\d+\s*\w+|[\w-]+))?"
              rf"(?P<ci>[;,]?\s*\(?\s*(?:95\s*%\s*(?:CI|confidence interval|CrI)[\s:,=]*)?"
              rf"(?P<lo>{NUM})\s*(?:to|–|—|-|,)\s*(?P<hi>{NUM})\)?)?", 0)
EFFECT_CI = rx(r"95\s*%\s*(?:CI|confidence interval|CrI)")
# An interval after a longer qualifier ("RR 0.79 per 1.0 mmol/L LDL reduction, 95% CI 0.77–0.81"),
# within the same bracket or clause.
LATE_CI = rx(rf"[^;()\[\]]{{1,60}}?,?\s*95\s*%\s*(?:CI|confidence interval|CrI)[\s:,=]*"
             rf"(?P<lo>{NUM})\s*(?:to|–|—|-)\s*(?P<hi>{NUM})", 0)
PVALUE = rx(r"(?<![\w])[pP]\s*(?:-?\s*value\s*|\s*for\s+trend\s*|\s*for\s+interaction\s*)?"
              r"(?P<op>[<>=≤≥]|less than)\s*(?P<v>0?\.\d+(?:\s*[×x]\s*10\s*(?:[-−]\s*\d+|⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+))?|"
              r"\d(?:\.\d+)?(?:\s*[×x]\s*10\s*(?:[-−⁻]\s*\d+|⁻[⁰¹²³⁴⁵⁶⁷⁸⁹]+)|e-\d+)?)", 0)
I2 = rx(r"\bI\s*(?:²|\^?2)\s*(?:=|:|of|was)?\s*(?P<v>\d+(?:\.\d+)?)\s*%", 0)
STUDY_WORDS = r"(?:randomi[sz]ed|controlled|clinical|observational|prospective|cohort|case-control|eligible|" \
               r"independent|published|primary|placebo-controlled|included|small|large|additional|trials?,?|and|with|studies)"
STUDIES = rx(rf"(?<![\w.,])(?P<n>{INT}|{WORD_NUMBER})\s+(?:{STUDY_WORDS}\s+){{0,3}}?"
               r"(?P<noun>RCTs|trials|studies|cohorts|datasets|articles|reports)\b|\bk\s*=\s*(?P<k>\d+)")
PERCENT = rx(r"(?<![\w.])(?P<v>\d+(?:\.\d+)?)\s?%(?!\s*(?:CI|confidence|CrI))")
AMOUNT = rx(r"\bby\s+(?:a\s+(?:mean|median|average)\s+of\s+|about\s+|approximately\s+|nearly\s+|almost\s+)?"
              r"(?P<v>\d+(?:\.\d+)?)\s*(?P<u>%|percentage points?|minutes?|min\b|hours?|mm ?Hg|points?|kg|bpm|"
              r"beats per minute|days?|nights?|mg/dL|mmol/L|ms\b)")
UP = r"increas\w*|rais\w*|elevat\w*|higher|greater|more|worsen\w*|enhanc\w*|exacerbat\w*|prolong\w*|" \
      r"improv\w*|lengthen\w*|boost\w*|doubl\w*|tripl\w*|rose|accelerat\w*"
DOWN = r"reduc\w*|lower\w*|decreas\w*|fewer|less|shorten\w*|attenuat\w*|diminish\w*|declin\w*|" \
        r"prevent\w*|suppress\w*|halv\w*|fell|impair\w*|slow\w*"
NEUTRAL = r"chang\w*|alter\w*|affect\w*|modif\w*|differ\w*|influenc\w*"
STOP = r"by|in|to|than|from|at|of|over|with|and|or|significantly|compared|versus|vs|after|during|for|per|when|between"
SUBJECT = re.compile(r"((?:[\w'’α-ω-]+\s+){0,3}[\w'’α-ω-]+)\s+$")
NOT_SUBJECT = re.compile(rf"^(?:the|a|an|and|or|but|was|were|which|that|this|it|{STOP})$", re.IGNORECASE)
INTRANSITIVE = r"declin\w*|fell|rose|increas\w*|decreas\w*|doubl\w*|halv\w*|improv\w*|worsen\w*|differ\w*|" \
                r"chang\w*|drop\w*"
NOUN_OBJECT = re.compile(r"\s+(?:in|of)\s+((?:(?!(?:and|or|in|of|by|with|among|than)\b)[\w'’α-ω-]+\s?){1,4})")
DIRECTION = rx(rf"\b(?P<neg>(?:did|does|do|was|were|is|are) not\s+(?:significantly\s+)?|failed to\s+|"
                 rf"not\s+)?(?:significantly\s+|markedly\s+|substantially\s+|modestly\s+|slightly\s+)?"
                 rf"(?P<verb>{UP}|{DOWN}|reversed?|revers\w+|{NEUTRAL})(?![\w-])(?:\s+(?:the\s+|a\s+|an\s+|their\s+)?"
                 rf"(?P<obj>(?!(?:{STOP}|{UP}|{DOWN})(?![\w-]))(?:risk|odds|incidence|rates?|levels?|frequency|severity|number|duration|abundance|"
                 r"[\w'’-]+)(?:\s+(?!(?:by|in|among|from|at|over|compared|versus|vs|relative|than|after|during|for|"
                 rf"with|and|but|while|whereas|was|were|when|which|who|across|\w+ed|rose|fell)(?![\w-]))[\w'’α-ω-]+){{0,4}}))?")
NULL = rx(r"\bno (?:statistically |clinically )?(?:significant |clear |meaningful |causal |detectable |consistent |"
            r"overall |reliable )?(?:difference|differences|effect|effects|association|associations|evidence|"
            r"benefit|change|changes|improvement|reduction|increase|link|relationship|impact)\b|"
            r"\b(?:did|does|do|was|were|is|are) not (?:significantly |statistically |materially )?"
            r"(?:differ|reduce|improve|increase|change|affect|alter|predict|associated|related|linked|lower|raise|"
            r"modify|significant|worsen|prevent)\w*|\bnot (?:statistically )?significant(?:ly)?\b|"
            r"\bnon-?significant\b|\bfailed to\b|\bneither\b|\bnull (?:effect|result|association)s?\b|"
            r"\bsimilar (?:between|in both|across)\b|\bdid not\b")
NULL_TARGET = rx(r"\s+(?:of\s+[\w'’ -]+?\s+)?(?:on|in|with|for|between)\s+(?P<o>(?:(?!(?:in|among|at|over|and|or|"
                   r"compared|versus|vs|after|during|between)\b)[\w'’α-ω-]+\s?){1,5})")
HEDGE = rx(r"\b(may|might|could|possibly|potentially|suggests?|suggested|suggesting|suggestive|appears? to|appeared to|"
             r"likely|preliminary|pilot|tentative|exploratory|hypothesis-generating|approach(?:es|ed)? significance|"
             r"limited (?:trials|evidence|data|studies))\b")
PRIORITY = rx(r"\bfor the first time\b|\bto (?:our|the authors') knowledge\b"
              r"|\b(?:the|is the|are the|our|this is the)\s+"
                r"(?P<w>first|largest|only|longest|biggest|earliest)(?=\s+(?:[\w-]+\s+){0,3}?(?:study|studies|trial|"
                r"report|evidence|analysis|meta-analysis|cohort|investigation|demonstration|to|randomi[sz]ed|"
                r"prospective|genome-wide|description|systematic))")

# A bracketed aside made of statistics: "(HR 1.30, 95% CI 1.00–1.69; p = .04)", "(I² = 48%, χ²(27) = 51.9)",
# "(median 72 nmol/L, IQR 31–160)", "[0.80, 0.97]". A count ("(186 854 participants)") or a name ("(especially
# Faecalibacterium)") is not a statistic.
STATISTIC = re.compile(r"\d\s*%|\bCI\b|[<>≤≥=±]\s*[-−]?\.?\d|\b(?:a?OR|a?HR|a?RR|IRR|SMD|W?MD|NNT|NNH|SD|SE|SEM|IQR|"
                       r"median|mean|range|I²|R²|χ²|AUC|k|n|g|d|r|β|t|F|z)\b(?:\(\d+\))?\s*[=:]?\s*[-−]?\.?\d"
                       r"|^\s*[-−]?\d[\d.]*\s*(?:,|–|to)\s*[-−]?\d[\d.]*\s*$")
