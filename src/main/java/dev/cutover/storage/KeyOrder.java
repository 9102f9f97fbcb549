package dev.cutover.storage;

import java.util.Comparator;

/**
 * The order GCS and S3 list keys in: by the unsigned bytes of their UTF-8 encoding. Java's
 * {@link String#compareTo} orders by UTF-16 units, which differs for characters above U+FFFF
 * versus U+E000..U+FFFF; a merge-join in the wrong order would misreport objects as missing.
 */
public final class KeyOrder {

    public static final Comparator<String> UTF8_BINARY = KeyOrder::compare;

    private KeyOrder() {
    }

    /**
     * Code-point order, which is UTF-8 byte order, without encoding: at the first differing UTF-16
     * unit, surrogates (code points above U+FFFF) are moved above U+E000..U+FFFF.
     */
    public static int compare(String a, String b) {
        int length = Math.min(a.length(), b.length());
        for (int i = 0; i < length; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return codePointRank(x) - codePointRank(y);
            }
        }
        return a.length() - b.length();
    }

    /**
     * Refuses a listing that is not in this order: a merge-join on it would misreport objects as
     * missing. {@code store} names whose order was expected, e.g. {@code S3's}.
     */
    public static void requireAscending(String previousKey, String key, String where, String store) {
        if (previousKey != null && compare(previousKey, key) >= 0) {
            throw new ObjectStoreException(ObjectStoreException.Reason.OTHER, "listing " + where
                    + ": the server listed \"" + previousKey + "\" before \"" + key + "\", which is not " + store
                    + " UTF-8 byte order; refusing to go on, since a merge-join on this listing would misreport"
                    + " objects as missing");
        }
    }

    private static int codePointRank(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c <= 0xDFFF ? c + 0x2000 : c - 0x800;
    }
}
