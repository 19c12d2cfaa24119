"""The string patterns of the policy and evidence formats, and what each means in an error message.

Below both the policy models (which constrain strings with them) and `routecheck.documents` (which
words a "does not match" error with their meaning), so that neither imports the other.
"""

NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
MODEL_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$"
RULE_CODE_PATTERN = r"^RC[0-9]{3}$"
GRADER_PATTERN = r"^(expected|agreement|llm:[A-Za-z0-9._:@/+-]+)$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
#: What each pattern means, in the words a "does not match" error uses: `'x y' is not <meaning>`.
PATTERN_MEANINGS: dict[str, str] = {
    NAME_PATTERN: "a valid name (expected a Python identifier: letters, digits and _, not starting with a digit)",
    MODEL_ID_PATTERN: "a valid model id (expected letters, digits and . _ : @ / + -, starting with a letter or digit)",
    RULE_CODE_PATTERN: "a rule code (expected RC and three digits, such as RC111)",
    GRADER_PATTERN: "a grader (expected one of: expected, agreement, llm:<model>)",
    SHA256_PATTERN: "a SHA-256 digest (expected 64 lowercase hex digits)",
}
