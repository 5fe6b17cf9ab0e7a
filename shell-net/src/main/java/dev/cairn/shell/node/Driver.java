package dev.cairn.shell.node;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEffect;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.Step;
import dev.cairn.core.WallTime;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a node's core state (DESIGN.md §5). Every fact the shell observes is posted
 * here as a {@link CoreEvent}; on its event loop the driver reads the clocks, calls
 * {@link Core#step}, swaps the state, hands the effects to the executor in order, and re-arms its
 * single timer at {@link Core#nextDeadline}. Effects never call back into the driver
 * synchronously: their outcomes come back later as new events. The mailbox is bounded.
 */
public final class Driver {

  private static final Logger log = LoggerFactory.getLogger(Driver.class);

  /** Events that may wait for the driver at once; past this, {@link #post} refuses. */
  public static final int MAILBOX_CAPACITY = 100_000;

  /** Executes a step's effects, in order, on the driver's loop. */
  public interface EffectExecutor {
    void execute(CoreEvent cause, List<CoreEffect> effects);
  }

  /** Sees every step, e.g. to record a trace or count metrics (on the driver's loop). */
  public interface StepObserver {
    void onStep(MonoTime now, WallTime wallNow, CoreEvent event, Step<CoreState, CoreEffect> step, long nanos);
  }

  /** Where the driver reads time; tests may substitute a virtual clock. */
  public interface Clocks {
    MonoTime monoNow();

    WallTime wallNow();

    Clocks SYSTEM = new Clocks() {
      @Override
      public MonoTime monoNow() {
        return new MonoTime(System.nanoTime());
      }

      @Override
      public WallTime wallNow() {
        return new WallTime(System.currentTimeMillis());
      }
    };
  }

  private final CoreConfig config;
  private final EventLoop loop;
  private final Clocks clocks;
  private final EffectExecutor executor;
  private final StepObserver observer;
  private final AtomicInteger pending = new AtomicInteger();
  private CoreState state;
  private ScheduledFuture<?> timer;
  private MonoTime timerAt;
  private long steps;
  private long rejected;
  private boolean stopped;

  public Driver(CoreConfig config, CoreState initial, EventLoop loop, Clocks clocks, EffectExecutor executor,
      StepObserver observer) {
    this.config = Objects.requireNonNull(config, "config");
    this.state = Objects.requireNonNull(initial, "initial");
    this.loop = Objects.requireNonNull(loop, "loop");
    this.clocks = Objects.requireNonNull(clocks, "clocks");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.observer = observer;
  }

  public EventLoop loop() {
    return loop;
  }

  /**
   * Queues an event for the driver. Returns false, and drops the event, when the mailbox is
   * full or the driver stopped; the caller then refuses whatever caused it (e.g. closes the
   * connection) rather than let the core's view drift silently.
   */
  public boolean post(CoreEvent event) {
    return post(event, null);
  }

  /**
   * Like {@link #post(CoreEvent)}, and afterwards runs {@code then} on the driver's loop with
   * the step the event produced (to deliver a follow-up that depends on the core's decision).
   */
  public boolean post(CoreEvent event, Consumer<Step<CoreState, CoreEffect>> then) {
    if (pending.incrementAndGet() > MAILBOX_CAPACITY) {
      pending.decrementAndGet();
      log.warn("event=mailbox_full dropped={}", event.getClass().getSimpleName());
      return false;
    }
    loop.execute(() -> {
      pending.decrementAndGet();
      Step<CoreState, CoreEffect> step = deliver(event);
      if (then != null && step != null) {
        then.accept(step);
      }
    });
    return true;
  }

  /** The current state; only meaningful on the driver's loop. */
  public CoreState state() {
    return state;
  }

  public long steps() {
    return steps;
  }

  public long rejectedEvents() {
    return rejected;
  }

  /** Stops timers; later posts are still accepted but no timer is re-armed. On the loop. */
  public void stop() {
    stopped = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Steps the core with one event; must run on the driver's loop. */
  Step<CoreState, CoreEffect> deliver(CoreEvent event) {
    assert loop.inEventLoop();
    MonoTime now = clocks.monoNow();
    WallTime wallNow = clocks.wallNow();
    long t0 = System.nanoTime();
    Step<CoreState, CoreEffect> step = Core.step(config, state, now, wallNow, event);
    long nanos = System.nanoTime() - t0;
    steps++;
    if (!step.isAccepted()) {
      rejected++;
      log.debug("event=rejected type={} outcome={}", event.getClass().getSimpleName(), step.outcome());
    }
    if (observer != null) {
      observer.onStep(now, wallNow, event, step, nanos);
    }
    state = step.state();
    executor.execute(event, step.effects());
    rearm();
    return step;
  }

  private void rearm() {
    if (stopped) {
      return;
    }
    Optional<MonoTime> next = Core.nextDeadline(state);
    if (next.isEmpty()) {
      if (timer != null) {
        timer.cancel(false);
        timer = null;
        timerAt = null;
      }
      return;
    }
    MonoTime at = next.get();
    if (timer != null && at.equals(timerAt)) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
    timerAt = at;
    long delay = Math.max(0, at.nanosSince(clocks.monoNow()));
    timer = loop.schedule(() -> {
      timer = null;
      timerAt = null;
      deliver(new CoreEvent.TimerFired());
    }, delay, TimeUnit.NANOSECONDS);
  }
}
