package io.micro.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Request request = Request.of("svc", "Say.Hello", "x");

  @Test
  void exponentialFollowsGoMicrosScheduleOfHundredMillisTimesAttemptToTheE() {
    Backoff b = Backoff.exponential();
    // go: time.Duration(math.Pow(attempt, math.E)) * 100ms, the power truncated to an integer
    assertThat(b.delay(request, 0)).isEqualTo(Duration.ZERO);
    assertThat(b.delay(request, 1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(request, 2)).isEqualTo(Duration.ofMillis(600));
    assertThat(b.delay(request, 3)).isEqualTo(Duration.ofMillis(1_900));
    assertThat(b.delay(request, 4)).isEqualTo(Duration.ofMillis(4_300));
    assertThat(b.delay(request, 5)).isEqualTo(Duration.ofMillis(7_900));
    assertThat(b.delay(request, 13)).isEqualTo(Duration.ofMillis(106_600));
  }

  @Test
  void exponentialIsCappedAtTwoMinutesAfterThirteenAttempts() {
    assertThat(Backoff.exponentialDelay(14)).isEqualTo(Backoff.MAX).isEqualTo(Duration.ofMinutes(2));
    assertThat(Backoff.exponentialDelay(Integer.MAX_VALUE)).isEqualTo(Backoff.MAX);
    assertThat(Backoff.exponentialDelay(-3)).isEqualTo(Duration.ZERO);
  }

  @Test
  void exponentialNeverDecreases() {
    for (int i = 0; i < 20; i++) {
      assertThat(Backoff.exponentialDelay(i + 1)).isGreaterThanOrEqualTo(Backoff.exponentialDelay(i));
    }
  }

  @Test
  void fixedWaitsOnlyBeforeRetries() {
    Backoff b = Backoff.fixed(Duration.ofMillis(7));
    assertThat(b.delay(request, 0)).isZero();
    assertThat(b.delay(request, 1)).isEqualTo(Duration.ofMillis(7));
    assertThat(b.delay(request, 9)).isEqualTo(Duration.ofMillis(7));
    assertThat(Backoff.none().delay(request, 3)).isZero();
  }

  @Test
  void fixedRejectsANegativeDelayNamingIt() {
    assertThatThrownBy(() -> Backoff.fixed(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("delay: PT-0.001S (expected: >= 0)");
  }
}
