package io.verdict.scheduler.evidence;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A ustar tar.gz whose bytes depend only on the file names and contents: entries sorted by name, mtime 0,
 * owner 0/0 with empty names, mode 0644; the gzip header carries no timestamp (the JDK writes MTIME 0).
 */
public final class DeterministicTar {
    private DeterministicTar() {}

    public static byte[] write(Map<String, byte[]> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (var e : new TreeMap<>(files).entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                if (name.length > 100) throw new IllegalArgumentException("entry name too long: " + e.getKey());
                byte[] header = new byte[512];
                System.arraycopy(name, 0, header, 0, name.length);
                octal(header, 100, 8, 0644);
                octal(header, 108, 8, 0);
                octal(header, 116, 8, 0);
                octal(header, 124, 12, e.getValue().length);
                octal(header, 136, 12, 0);
                for (int i = 148; i < 156; i++) header[i] = ' ';
                header[156] = '0';
                System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
                long sum = 0;
                for (byte b : header) sum += b & 0xff;
                octal(header, 148, 7, sum);
                gz.write(header);
                gz.write(e.getValue());
                int pad = (512 - e.getValue().length % 512) % 512;
                gz.write(new byte[pad]);
            }
            gz.write(new byte[1024]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void octal(byte[] h, int off, int len, long value) {
        String s = Long.toOctalString(value);
        int digits = len - 1;
        while (s.length() < digits) s = "0" + s;
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, off, digits);
        h[off + digits] = 0;
    }

    /** Reads back the regular files of a tar.gz written by {@link #write}. */
    public static Map<String, byte[]> read(byte[] tarGz) {
        Map<String, byte[]> out = new TreeMap<>();
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512) {
                if (header[0] == 0) break;
                int nameLen = 0;
                while (nameLen < 100 && header[nameLen] != 0) nameLen++;
                String name = new String(header, 0, nameLen, StandardCharsets.UTF_8);
                long size = Long.parseLong(new String(header, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
                byte[] data = in.readNBytes((int) size);
                in.readNBytes((int) ((512 - size % 512) % 512));
                out.put(name, data);
            }
        } catch (IOException | NumberFormatException e) {
            throw new IllegalArgumentException("not a valid evidence bundle: " + e.getMessage(), e);
        }
        return out;
    }
}
