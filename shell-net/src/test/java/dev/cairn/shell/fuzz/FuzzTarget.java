package dev.cairn.shell.fuzz;

import java.util.List;
import java.util.function.Supplier;

/**
 * One decoder under fuzzing and its contract: for any input it returns, or throws one of
 * {@code documented} with a non-blank message. Anything else is a finding: another exception,
 * an {@link Error} (stack overflow, out of memory), more than the time budget, or more
 * allocation than {@code allocFixed + allocPerByte * input length}.
 *
 * @param name how the decoder is named in reports and in {@code -Dcairn.fuzz.target}
 * @param entryPoint the production method(s) the input reaches
 * @param documented the error types the decoder documents
 * @param seeds valid encodings built with the project's encoders (and vectors when present)
 * @param dictionary tokens the mutator inserts (JSON and TOML syntax, protobuf tags)
 * @param maxLength largest input generated
 * @param decoder a fresh decoder for one input; its construction is not measured
 */
record FuzzTarget(
    String name,
    String entryPoint,
    List<Class<? extends Throwable>> documented,
    Supplier<List<byte[]>> seeds,
    List<byte[]> dictionary,
    int maxLength,
    long allocFixed,
    long allocPerByte,
    Decoder decoder) {

  /** Builds the decoder for one input (untimed, unmeasured), then decodes it. */
  @FunctionalInterface
  interface Decoder {
    Prepared prepare() throws Exception;
  }

  /** Decodes one input. */
  @FunctionalInterface
  interface Prepared {
    void decode(byte[] input) throws Exception;
  }

  long allocationBound(int inputLength) {
    return allocFixed + allocPerByte * inputLength;
  }

  boolean documents(Throwable t) {
    for (Class<? extends Throwable> c : documented) {
      if (c.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
