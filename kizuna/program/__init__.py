"""The program: seminars, days, sessions and venues as typed values (`model`), the words and dates they are written
in (`text`, `dates`), the filter every view shares (`filtering`), flat records (`records`) and the problem a check
reports (`problems`). Everything else builds on these and they import nothing else of Kizuna's."""
