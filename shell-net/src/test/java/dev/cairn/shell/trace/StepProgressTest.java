package dev.cairn.shell.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress line of long trace commands, on a clock the test moves. */
class StepProgressTest {

  private long now = 1_000_000_000L;

  @Test
  void silentAtFirstThenALineEveryFewSecondsWithRateAndTimeLeft() {
    List<String> lines = new ArrayList<>();
    StepProgress p = new StepProgress("validate a.trace", () -> now, lines::add);
    now += 1_000_000_000L; // 1 s of loading before the first step
    p.at(0, 0);
    now += 500_000_000L;
    p.at(5_000, 0.05);
    assertThat(lines).as("work that ends within 2 s prints nothing").isEmpty();
    now += 1_000_000_000L; // 2.5 s in, 1.5 s of stepping
    p.at(15_000, 0.2);
    assertThat(lines).containsExactly("validate a.trace: 15 000 steps, 20 %, 10 000 steps/s, about 6 s left");
    now += 4_000_000_000L; // within 5 s of the last line
    p.at(55_000, 0.55);
    assertThat(lines).hasSize(1);
    now += 1_000_000_000L;
    p.at(65_000, 0.6);
    assertThat(lines).hasSize(2).last()
        .isEqualTo("validate a.trace: 65 000 steps, 60 %, 10 000 steps/s, about 4 s left");
    now += 200_000_000_000L;
    p.at(700_000, 0.7);
    assertThat(lines.getLast()).isEqualTo("validate a.trace: 700 000 steps, 70 %, 3 390 steps/s, about 1 min 29 s left");
    now += 10_000_000_000L;
    p.at(800_000, -1);
    assertThat(lines.getLast()).as("the share unknown").isEqualTo("validate a.trace: 800 000 steps, 3 695 steps/s");
  }

  @Test
  void durationsReadAsAPersonWouldSayThem() {
    assertThat(StepProgress.duration(0.2)).isEqualTo("1 s");
    assertThat(StepProgress.duration(59.4)).isEqualTo("59 s");
    assertThat(StepProgress.duration(90)).isEqualTo("1 min 30 s");
    assertThat(StepProgress.duration(7322)).isEqualTo("2 h 2 min");
    assertThat(StepProgress.grouped(1234567)).isEqualTo("1 234 567");
  }
}
