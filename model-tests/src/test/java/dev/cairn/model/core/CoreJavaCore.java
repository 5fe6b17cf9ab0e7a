package dev.cairn.model.core;

import dev.cairn.core.Core;
import dev.cairn.core.CoreConfig;
import dev.cairn.core.CoreEvent;
import dev.cairn.core.CoreState;
import dev.cairn.core.MonoTime;
import dev.cairn.core.WallTime;

/**
 * The composed Java machine under test: {@link Core#traced} itself, or a mutant of it built in the
 * tests by transforming its inputs and outputs (core-fsm is never edited to make a mutant).
 */
@FunctionalInterface
public interface CoreJavaCore {

  CoreJavaCore REAL = Core::traced;

  Core.Traced traced(CoreConfig cfg, CoreState s, MonoTime now, WallTime wallNow, CoreEvent e);
}
