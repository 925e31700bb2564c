from fer_engine.batch_shapes import power_of_two_chunks


def test_a_batch_is_cut_into_the_binary_digits_of_its_size_largest_first() -> None:
    assert [len(chunk) for chunk in power_of_two_chunks(range(21))] == [16, 4, 1]


def test_chunks_keep_every_item_once_and_in_order() -> None:
    items = list("abcdefghijk")
    assert [item for chunk in power_of_two_chunks(items) for item in chunk] == items


def test_a_power_of_two_stays_one_chunk() -> None:
    assert power_of_two_chunks(range(32)) == [list(range(32))]


def test_nothing_gives_no_chunk() -> None:
    assert power_of_two_chunks([]) == []
