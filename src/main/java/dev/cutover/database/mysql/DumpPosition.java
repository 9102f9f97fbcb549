package dev.cutover.database.mysql;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Watches a dump go by and keeps its first and last few KiB, where the tools write the position the
 * dump is consistent with (MariaDB writes the GTID at the end, MySQL at the start) and, last, their
 * {@code -- Dump completed} line. Costs one array copy per read; the dump itself is never held.
 */
final class DumpPosition extends FilterInputStream {

    private static final int KEEP = 16 * 1024;
    private static final Pattern FILE_POS = Pattern.compile(
            "(?:MASTER|SOURCE)_LOG_FILE='([^']+)',\\s*(?:MASTER|SOURCE)_LOG_POS=(\\d+)");
    private static final Pattern MARIADB_GTID = Pattern.compile("SET GLOBAL gtid_slave_pos='([^']*)'");
    private static final Pattern MYSQL_GTID = Pattern.compile("GTID_PURGED=(?:/\\*!80000 '\\+'\\*/ )?'([^']*)'");

    private final byte[] head = new byte[KEEP];
    private int headLength;
    private final byte[] tail = new byte[KEEP];
    private int tailLength;

    DumpPosition(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            keep(buffer, offset, n);
        }
        return n;
    }

    private void keep(byte[] buffer, int offset, int n) {
        if (headLength < KEEP) {
            int take = Math.min(n, KEEP - headLength);
            System.arraycopy(buffer, offset, head, headLength, take);
            headLength += take;
        }
        if (n >= KEEP) {
            System.arraycopy(buffer, offset + n - KEEP, tail, 0, KEEP);
            tailLength = KEEP;
        } else {
            int drop = Math.max(0, tailLength + n - KEEP);
            System.arraycopy(tail, drop, tail, 0, tailLength - drop);
            tailLength -= drop;
            System.arraycopy(buffer, offset, tail, tailLength, n);
            tailLength += n;
        }
    }

    /** The tool wrote its closing line: the dump ran to its end. */
    boolean completed() {
        return text(tail, tailLength).contains("-- Dump completed");
    }

    /** e.g. {@code gtid 0-1-9 binlog source-bin.000001:1879}; empty when the dump says neither. */
    String position() {
        String text = text(head, headLength) + "\n" + text(tail, tailLength);
        StringBuilder position = new StringBuilder();
        Matcher gtid = MARIADB_GTID.matcher(text);
        Matcher mysqlGtid = MYSQL_GTID.matcher(text);
        if (gtid.find()) {
            position.append("gtid ").append(gtid.group(1));
        } else if (mysqlGtid.find()) {
            position.append("gtid ").append(mysqlGtid.group(1).replaceAll("\\s+", ""));
        }
        Matcher filePos = FILE_POS.matcher(text);
        if (filePos.find()) {
            position.append(position.isEmpty() ? "" : " ").append("binlog ").append(filePos.group(1)).append(':')
                    .append(filePos.group(2));
        }
        return position.toString();
    }

    private static String text(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }
}
