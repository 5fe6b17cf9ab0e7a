package dev.cairn.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a model's cfg asks TLC to check, as the gate's line for the model names it. */
class TlcModelTest {

  @TempDir Path dir;

  @Test
  void theInvariantsAndPropertiesOfACfgAreItsSectionsNames_withoutItsComments() throws Exception {
    Files.writeString(dir.resolve("MCToy.tla"), "---- MODULE MCToy ----\n====\n");
    Files.writeString(dir.resolve("MCToy.cfg"), """
        \\* INVARIANT NotThisOne (a comment)
        CONSTANTS
          N = 3
        INIT Init NEXT Next
        INVARIANTS
          TypeOK \\* the types
          Safe
        (* PROPERTY NorThisOne *)
        INVARIANT Bounded
        PROPERTIES Live1
          Live2
        SYMMETRY Sym
        """);
    TlcModel m = TlcModel.find(dir, "MCToy").orElseThrow();
    assertThat(m.invariants()).containsExactly("TypeOK", "Safe", "Bounded");
    assertThat(m.properties()).containsExactly("Live1", "Live2");
  }

  /** A line comment ends at its line, whatever it holds; block comments nest, and hide line comments. */
  @Test
  void commentsAreRemovedAsTlaReadsThem() {
    assertThat(TlcModel.withoutComments("A \\* a (* in a line comment\nB (* c *) C").split("\\s+"))
        .containsExactly("A", "B", "C");
    assertThat(TlcModel.withoutComments("A (* x (* nested *) \\* still in it *) B").split("\\s+"))
        .containsExactly("A", "B");
    assertThat(TlcModel.withoutComments("A(*x*)B").split("\\s+")).containsExactly("A", "B");
  }

  @Test
  void theGatesModelsNameWhatTheyCheck() {
    TlcModel trim = TlcModel.find(SpecDirs.main(), "MCPeerManagerTrimPersistent").orElseThrow();
    assertThat(trim.invariants()).hasSize(20).contains("TypeOK", "PersistentNeverEvictedForNonPersistent");
    assertThat(trim.properties()).isEmpty();
    assertThat(TlcModel.find(SpecDirs.main(), "MCCoreLiveness").orElseThrow().properties())
        .contains("LearnsAddresses", "KeepsTheLearnedPeer");
  }
}
