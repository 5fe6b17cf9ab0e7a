package dev.cairn.shell.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The budget of info lines a kind of log line gets per window, and what a line says it passed over. */
class LogBudgetTest {

  private final AtomicLong now = new AtomicLong(1_000);
  private final LogBudget budget = new LogBudget(3, Duration.ofSeconds(60), now::get);

  @Test
  void theBudgetIsSpentThenRenewedByTheNextWindow() {
    assertThat(budget.take()).isZero();
    assertThat(budget.take()).isZero();
    assertThat(budget.take()).isZero();
    assertThat(budget.take()).as("spent").isEqualTo(-1);
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(budget.take()).as("still the same window").isEqualTo(-1);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(budget.take()).as("the next window's first line counts the two passed over").isEqualTo(2);
    assertThat(budget.take()).isZero();
  }

  @Test
  void aWindowStartsAtItsFirstLineNotAtAFixedBoundary() {
    budget.take();
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    budget.take();
    budget.take();
    assertThat(budget.take()).isEqualTo(-1);
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(budget.take()).as("60 s after the window's first line").isEqualTo(1);
  }

  @Test
  void aBudgetOfNothingIsRefused() {
    assertThatThrownBy(() -> new LogBudget(0, Duration.ofSeconds(1), now::get))
        .hasMessageContaining("0 lines");
    assertThatThrownBy(() -> new LogBudget(1, Duration.ZERO, now::get)).hasMessageContaining("PT0S");
  }
}
