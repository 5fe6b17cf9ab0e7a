package dev.cairn.shell.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class DelimitedFramingTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void uvarintMatchesGoPutUvarint() {
    assertThat(HEX.formatHex(Uvarint.encode(0))).isEqualTo("00");
    assertThat(HEX.formatHex(Uvarint.encode(127))).isEqualTo("7f");
    assertThat(HEX.formatHex(Uvarint.encode(128))).isEqualTo("8001");
    assertThat(HEX.formatHex(Uvarint.encode(1034))).isEqualTo("8a08");
    assertThat(HEX.formatHex(Uvarint.encode(-1L))).isEqualTo("ffffffffffffffffff01");
  }

  @Test
  void frameIsPrefixPlusBody() {
    byte[] body = new byte[151];
    body[0] = 0x0a;
    assertThat(HEX.formatHex(DelimitedFraming.frame(body)).substring(0, 6)).isEqualTo("97010a");
  }

  @Test
  void elevenVarintBytesAreAnOverflow() {
    byte[] in = HEX.parseHex("8080808080808080808001");
    assertThatThrownBy(() -> Uvarint.decode(in, 0, in.length))
        .isInstanceOfSatisfying(FramingException.class,
            e -> assertThat(e.reason()).isEqualTo(FramingException.Reason.VARINT_OVERFLOW));
  }

  @Test
  void tenthByteAboveOneIsAnOverflow() {
    byte[] in = HEX.parseHex("ffffffffffffffffff02");
    assertThatThrownBy(() -> Uvarint.decode(in, 0, in.length))
        .isInstanceOfSatisfying(FramingException.class,
            e -> assertThat(e.reason()).isEqualTo(FramingException.Reason.VARINT_OVERFLOW));
  }

  @Test
  void lengthsOf2Pow63Minus1OrMoreAreRefusedBeforeTheMaximum() {
    DelimitedDecoder d = new DelimitedDecoder(Integer.MAX_VALUE);
    d.feed(Uvarint.encode(Long.MAX_VALUE));
    assertThatThrownBy(d::next).isInstanceOfSatisfying(FramingException.class,
        e -> assertThat(e.reason()).isEqualTo(FramingException.Reason.LENGTH_OUT_OF_RANGE));
    DelimitedDecoder d2 = new DelimitedDecoder(Integer.MAX_VALUE);
    d2.feed(Uvarint.encode(-1L));
    assertThatThrownBy(d2::next).isInstanceOfSatisfying(FramingException.class,
        e -> assertThat(e.reason()).isEqualTo(FramingException.Reason.LENGTH_OUT_OF_RANGE));
  }

  @Test
  void oversizedLengthIsRefusedAsSoonAsThePrefixIsComplete() throws Exception {
    DelimitedDecoder d = new DelimitedDecoder(1034);
    d.feed(HEX.parseHex("8b")); // incomplete varint: nothing yet
    assertThat(d.next()).isNull();
    d.feed(HEX.parseHex("08")); // 1035, no body bytes sent at all
    assertThatThrownBy(d::next).isInstanceOfSatisfying(FramingException.class, e -> {
      assertThat(e.reason()).isEqualTo(FramingException.Reason.MESSAGE_TOO_LARGE);
      assertThat(e.announcedLength()).isEqualTo(1035);
      assertThat(e.getMessage()).contains("1035").contains("1034");
    });
    // stays failed
    assertThatThrownBy(d::next).isInstanceOf(FramingException.class);
  }

  @Test
  void exactlyMaxSizeIsAccepted() throws Exception {
    DelimitedDecoder d = new DelimitedDecoder(1034);
    d.feed(DelimitedFraming.frame(new byte[1034]));
    assertThat(d.next().length()).isEqualTo(1034);
    assertThat(d.next()).isNull();
  }

  @Test
  void nonMinimalVarintIsAcceptedAsGoDoes() throws Exception {
    DelimitedDecoder d = new DelimitedDecoder(100);
    d.feed(HEX.parseHex("8200abcd"));
    assertThat(HEX.formatHex(d.next().toByteArray())).isEqualTo("abcd");
  }

  @Property(tries = 200)
  void anySplitOfAStreamYieldsTheSameFrames(
      @ForAll @Size(max = 12) List<@Size(max = 3000) byte[]> bodies,
      @ForAll @IntRange(min = 1, max = 5000) int chunk,
      @ForAll long seed) throws Exception {
    java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
    for (byte[] b : bodies) {
      stream.write(DelimitedFraming.frame(b));
    }
    byte[] all = stream.toByteArray();
    DelimitedDecoder d = new DelimitedDecoder(3000);
    List<byte[]> out = new ArrayList<>();
    Random r = new Random(seed);
    int pos = 0;
    while (pos < all.length) {
      int n = Math.min(all.length - pos, 1 + r.nextInt(chunk));
      d.feed(all, pos, n);
      pos += n;
      for (DelimitedDecoder.Body b = d.next(); b != null; b = d.next()) {
        out.add(b.toByteArray());
      }
    }
    assertThat(out).hasSize(bodies.size());
    for (int i = 0; i < bodies.size(); i++) {
      assertThat(out.get(i)).isEqualTo(bodies.get(i));
    }
    assertThat(d.buffered()).isZero();
  }
}
