package org.pibms.protocol.ant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.pibms.protocol.ant.AntGolden.hex;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stream parser: frames in noise, split anywhere, back to back. */
class AntRequestParserTest {

    private final List<AntRequest> found = new ArrayList<>();
    private final AntRequestParser parser = new AntRequestParser(found::add);

    private static AntRequest alone(byte[] frame) {
        List<AntRequest> one = new ArrayList<>();
        new AntRequestParser(one::add).accept(frame);
        assertThat(one).as(hex(frame)).hasSize(1);
        return one.get(0);
    }

    @Test
    void everyGoldenRequestInEveryChunkSizeWithGarbageAroundIsFoundExactlyOnce() {
        Random random = new Random(8);
        int cases = 0;
        for (byte[] frame : AntGolden.REQUESTS) {
            AntRequest expected = alone(frame);
            for (int round = 0; round < 20; round++) {
                byte[] before = garbage(random);
                byte[] after = garbage(random);
                byte[] stream = concat(before, frame, after);
                for (int chunk = 1; chunk <= stream.length; chunk++) {
                    found.clear();
                    for (int at = 0; at < stream.length; at += chunk) {
                        parser.accept(stream, at, Math.min(chunk, stream.length - at));
                    }
                    // the line goes quiet: a frame the garbage after it left open ends there
                    parser.idle();
                    assertThat(found).as("%s in chunks of %d after %s and before %s", hex(frame), chunk, hex(before),
                            hex(after)).containsExactly(expected);
                    cases++;
                }
            }
        }
        assertThat(cases).isGreaterThan(25_000);
    }

    /** Random bytes, often holding sync bytes and half frames, that hold no whole frame themselves. */
    private static byte[] garbage(Random random) {
        while (true) {
            int length = random.nextInt(24);
            byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++) {
                bytes[i] = switch (random.nextInt(6)) {
                    case 0 -> (byte) 0x7E;
                    case 1 -> (byte) 0xA1;
                    case 2 -> (byte) (random.nextBoolean() ? 0xDB : 0xA5);
                    default -> (byte) random.nextInt(256);
                };
            }
            if (random.nextInt(3) == 0 && length > 0) {
                byte[] prefix = AntGolden.REQUESTS.get(random.nextInt(AntGolden.REQUESTS.size()));
                System.arraycopy(prefix, 0, bytes, length - Math.min(length, 5), Math.min(Math.min(length, 5),
                        prefix.length));
            }
            List<AntRequest> inside = new ArrayList<>();
            AntRequestParser check = new AntRequestParser(inside::add);
            check.accept(bytes);
            check.idle();
            if (inside.isEmpty()) {
                return bytes;
            }
        }
    }

    @Test
    void backToBackRequestsOfBothGenerationsAreAllFound() {
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        List<AntRequest> expected = new ArrayList<>();
        for (byte[] frame : AntGolden.REQUESTS) {
            stream.writeBytes(frame);
            expected.add(alone(frame));
        }
        parser.accept(stream.toByteArray());
        assertThat(found).containsExactlyElementsOf(expected);
        assertThat(parser.inFrame()).isFalse();
    }

    @Test
    void aBadChecksumIsDroppedAndTheNextFrameStillFound() {
        parser.accept(hex("DB DB 00 00 00 01 7E A1 01 00 00 BE 18 56 AA 55 5A 5A 00 00 01 01"));
        assertThat(found).containsExactly(new AntRequest.Old(AntRequest.Old.Function.READ, 0, 1));
        assertThat(parser.rejected()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFrameInsideALongerRejectedOneIsFound() {
        // a write header announcing 200 data bytes, then a status request: the request is found once the
        // candidate is given up, at the quiet gap
        parser.accept(hex("7E A1 22 00 00 C8 DB DB 00 00 00 00"));
        assertThat(found).isEmpty();
        assertThat(parser.inFrame()).isTrue();
        parser.idle();
        assertThat(found).containsExactly(new AntRequest.Old(AntRequest.Old.Function.STATUS, 0, 0));
        assertThat(parser.inFrame()).isFalse();
    }

    @Test
    void aWrongEndMarkOrUnknownFunctionIsNotAFrame() {
        parser.accept(hex("7E A1 01 00 00 BE 18 55 AA 56"));
        parser.accept(hex("7E A1 99 00 00 BE 18 55 AA 55"));
        parser.accept(hex("A5 5A F1 31 32 54"));
        parser.idle();
        assertThat(found).isEmpty();
    }

    @Test
    void aWriteWithTheLongestDataIsAccepted() {
        byte[] data = new byte[255];
        byte[] frame = NewFrames.request(0x23, 0x016A, 255, data);
        assertThat(frame).hasSize(AntRequestParser.MAX_FRAME);
        parser.accept(frame);
        assertThat(found).containsExactly(new AntRequest.New(0x23, 0x016A, 255, data));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
