package dev.cairn.shell.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cairn's {@code cairn_banned_ids}: bans by ID alone, written and read beside CometBFT's fields. */
class AddrBookBannedIdsTest {

  private static final Path FILE = Path.of("addrbook.json");
  private static final String ID = "2d6ea4296e321edc08897614e2a24c4bc3e71d63";

  private static AddrBookDocument parse(String json) throws StoreException {
    return AddrBookFile.parse(FILE, json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void roundTripsAndIsLeftOutWhenEmpty() throws Exception {
    OffsetDateTime until = OffsetDateTime.parse("2030-01-02T03:04:05.123Z");
    AddrBookDocument doc = new AddrBookDocument("9f0c3b5e8d1a2b4c6e7f8091", List.of(), List.of(),
        List.of(new AddrBookDocument.BannedId(ID, until)));
    String text = AddrBookFile.render(doc);
    assertThat(text).contains("\"cairn_banned_ids\"").contains(ID);
    AddrBookDocument back = parse(text);
    assertThat(back.bannedIds()).hasSize(1);
    assertThat(back.bannedIds().get(0).id()).isEqualTo(ID);
    assertThat(back.bannedIds().get(0).until().toInstant()).isEqualTo(until.toInstant());

    String plain = AddrBookFile.render(new AddrBookDocument("9f0c3b5e8d1a2b4c6e7f8091", List.of(), List.of()));
    assertThat(plain).doesNotContain("cairn_banned_ids");
    assertThat(parse(plain).bannedIds()).isEmpty();
  }

  @Test
  void badEntriesAreRefusedNamingTheEntry() {
    String head = "{\"key\": \"9f0c3b5e8d1a2b4c6e7f8091\", \"addrs\": [], \"cairn_banned_ids\": ";
    assertThatThrownBy(() -> parse(head + "{}}")).isInstanceOf(StoreException.class)
        .hasMessageContaining("cairn_banned_ids").hasMessageContaining("array");
    assertThatThrownBy(() -> parse(head + "[{\"id\": \"ABC\", \"until\": \"2030-01-01T00:00:00Z\"}]}"))
        .isInstanceOf(StoreException.class).hasMessageContaining("cairn_banned_ids[0].id");
    assertThatThrownBy(() -> parse(head + "[{\"id\": \"" + ID + "\", \"until\": \"tomorrow\"}]}"))
        .isInstanceOf(StoreException.class).hasMessageContaining("cairn_banned_ids[0].until");
    assertThatThrownBy(() -> parse(head + "[{\"id\": \"" + ID + "\", \"until\": \"2030-01-01T00:00:00Z\"},"
        + "{\"id\": \"" + ID + "\", \"until\": \"2031-01-01T00:00:00Z\"}]}"))
        .isInstanceOf(StoreException.class).hasMessageContaining("cairn_banned_ids[1].id")
        .hasMessageContaining("second time");
  }
}
