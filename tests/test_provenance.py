from iraqkg.provenance import MAX_QUOTE_WORDS, SourceLibrary, normalise, paragraphs, word_count


def test_paragraphs_split_on_blank_and_whitespace_only_lines():
    text = "First para\nstill first.\n\nSecond.\n   \nThird.\n\n\n\nFourth.\n"
    assert paragraphs(text) == ["First para\nstill first.", "Second.", "Third.", "Fourth."]


def test_normalise_folds_whitespace_and_typographic_quotes():
    assert normalise("Asa\u2019ib  Ahl\n al-Haq \u201cgroup\u201d") == 'Asa\'ib Ahl al-Haq "group"'


def test_word_count():
    assert word_count("  one two\nthree ") == 3
    assert word_count("   ") == 0


def _library(tmp_path):
    (tmp_path / "doc.txt").write_text("Title\n\nBadr\u2019s key power brokers were Hadi.\n\nEnd.\n")
    return SourceLibrary(tmp_path)


def test_verbatim_quote_in_its_paragraph_passes(tmp_path):
    assert _library(tmp_path).check_quote("s", "doc.txt", 2, "Badr's key power brokers") is None


def test_quote_in_another_paragraph_names_the_right_one(tmp_path):
    problem = _library(tmp_path).check_quote("s", "doc.txt", 3, "key power brokers")
    assert problem is not None and "paragraph 2" in problem.message


def test_altered_quote_is_not_verbatim(tmp_path):
    problem = _library(tmp_path).check_quote("s", "doc.txt", 2, "key power broker was Hadi")
    assert problem is not None and "not found verbatim" in problem.message


def test_overlong_quote_is_refused(tmp_path):
    quote = " ".join(["word"] * (MAX_QUOTE_WORDS + 1))
    problem = _library(tmp_path).check_quote("s", "doc.txt", 2, quote)
    assert problem is not None and f"at most {MAX_QUOTE_WORDS}" in problem.message


def test_paragraph_out_of_range_and_missing_file(tmp_path):
    library = _library(tmp_path)
    assert "out of range" in library.check_quote("s", "doc.txt", 9, "End.").message
    assert "not found" in library.check_quote("s", "nope.txt", 1, "End.").message
