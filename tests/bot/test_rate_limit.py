from bot.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_person_may_send_up_to_the_limit_in_a_window() -> None:
    limiter = RateLimiter(3, 60, Clock())
    assert [limiter.wait_s("a") for _ in range(3)] == [0.0, 0.0, 0.0]


def test_the_next_photo_is_told_how_long_to_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(2, 60, clock)
    limiter.wait_s("a")
    clock.now += 10
    limiter.wait_s("a")
    assert limiter.wait_s("a") == 50.0


def test_the_window_slides_so_old_photos_stop_counting() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 60, clock)
    limiter.wait_s("a")
    clock.now += 60
    assert limiter.wait_s("a") == 0.0


def test_a_refused_photo_does_not_count_against_the_next_window() -> None:
    clock = Clock()
    limiter = RateLimiter(1, 60, clock)
    limiter.wait_s("a")
    limiter.wait_s("a")  # refused
    clock.now += 60
    assert limiter.wait_s("a") == 0.0


def test_people_are_limited_separately() -> None:
    limiter = RateLimiter(1, 60, Clock())
    limiter.wait_s("a")
    assert limiter.wait_s("b") == 0.0
