package dev.cairn.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cairn.core.peer.PeerEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The recorded-trace validator on logs produced by the Java core, intact and tampered with. */
class TraceValidatorTest {

  static final Fixture SCENARIO = Fixture.parse("""
      init p1=unknown p2=unknown
      Started
      DialFailed p1
      TimerFired {RetryDial(p1)}
      DialSucceeded p1
      PeerReady p1
      PeerReported p1 bad
      PeerDisconnected p1
      PeerReady p1
      TimerFired {Maintenance}
      """);

  @BeforeAll
  static void load() {
    Models.load();
  }

  /** Runs the letters on the real core and logs what a tracing node would write. */
  static List<TraceValidator.TraceStep> record(Fixture f) {
    Equivalence eq = Models.real();
    JavaDriver.World w = eq.driver().start(Equivalence.vars(eq.initialState(f.init())));
    List<TraceValidator.TraceStep> log = new ArrayList<>();
    for (Label l : f.letters()) {
      JavaDriver.Result r = eq.driver().apply(w, l);
      assertThat(r.realisable()).as(l.toString()).isTrue();
      log.add(new TraceValidator.TraceStep(r.before().now(), r.before().wallNow(), r.event(),
          r.step().effects(), r.step().isAccepted()));
      w = r.after();
    }
    return log;
  }

  static TraceValidator validator() {
    return new TraceValidator(Models.tla(), Models.mapping());
  }

  @Test
  void traceOfTheJavaCoreIsValid() {
    List<TraceValidator.TraceStep> log = record(SCENARIO);
    assertThat(log.get(3).accepted()).as("DialSucceeded p1").isTrue();
    assertThat(log.get(7).accepted()).as("PeerReady of a disconnected peer is rejected").isFalse();
    TraceValidator.Verdict v = validator().validate(log);
    assertThat(v.valid()).as(v.detail()).isTrue();
    assertThat(v.largestFrontier()).as("the initial book is not in the log").isGreaterThan(1);
  }

  @Test
  void randomJavaRunsAreValidTraces() {
    for (int seed = 0; seed < 20; seed++) {
      Equivalence.Run run = Models.real().javaInSpec(MutationEvidenceTest.choices(
          new java.util.SplittableRandom(seed), 40));
      Fixture f = run.fixture("random");
      TraceValidator.Verdict v = validator().validate(record(f));
      assertThat(v.valid()).as(v.detail() + "\n" + f.text()).isTrue();
    }
  }

  @Test
  void alteredEventIsCaughtAtItsStep() {
    List<TraceValidator.TraceStep> log = new ArrayList<>(record(SCENARIO));
    TraceValidator.TraceStep s = log.get(3); // DialSucceeded p1, as logged
    log.set(3, new TraceValidator.TraceStep(s.now(), s.wallNow(),
        new PeerEvent.DialSucceeded(Models.mapping().address(Models.mapping().peers().get(1))), s.effects(), true));
    TraceValidator.Verdict v = validator().validate(log);
    assertThat(v.failedStep()).as(v.detail()).isEqualTo(4);
    assertThat(v.enabledThere()).contains("DialSucceeded p1").doesNotContain("PeerReady p1");
  }

  @Test
  void droppedEventIsCaughtAtTheNextStep() {
    List<TraceValidator.TraceStep> log = new ArrayList<>(record(SCENARIO));
    log.remove(3); // DialSucceeded p1 is lost: PeerReady p1 follows a dial still in flight
    TraceValidator.Verdict v = validator().validate(log);
    assertThat(v.failedStep()).as(v.detail()).isEqualTo(4);
    assertThat(v.event()).contains(new PeerEvent.PeerReady(Models.mapping().id(Models.mapping().peers().get(0))));
    assertThat(v.enabledThere()).contains("DialSucceeded p1", "DialFailed p1");
  }
}
