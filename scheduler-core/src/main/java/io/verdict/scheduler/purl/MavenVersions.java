package io.verdict.scheduler.purl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Maven's {@code ComparableVersion} ordering (maven-artifact): items split on {@code .}, {@code -} and digit/letter
 * transitions; numbers numerically; the well-known qualifiers {@code alpha < beta < milestone < rc = cr <
 * snapshot < "" = ga = final = release < sp}, unknown qualifiers after them alphabetically; trailing zeros and
 * empty qualifiers dropped, so {@code 1.0 = 1 = 1-ga} and {@code 1-rc1 < 1}.
 */
public final class MavenVersions implements VersionScheme {
    public static final MavenVersions INSTANCE = new MavenVersions();
    private static final List<String> QUALIFIERS = List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
    private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

    private MavenVersions() {}

    @Override
    public String name() {
        return "maven";
    }

    /** Parsed versions seen (immutable once normalised), bounded and dropped wholesale when full; see Pep440Versions. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Item> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public int compare(String a, String b) {
        return Integer.signum(parsed(a).compareTo(parsed(b)));
    }

    private static Item parsed(String v) {
        Item item = PARSED.get(v);
        if (item == null) {
            if (PARSED.size() > 100_000) PARSED.clear();
            item = parse(v);
            PARSED.put(v, item);
        }
        return item;
    }

    private sealed interface Item permits IntItem, StringItem, ListItem {
        int compareTo(Item other);

        boolean isNull();
    }

    private record IntItem(String digits) implements Item {
        IntItem {
            int k = 0;
            while (k < digits.length() - 1 && digits.charAt(k) == '0') k++;
            digits = digits.substring(k);
        }

        public int compareTo(Item other) {
            if (other == null) return isNull() ? 0 : 1;
            if (other instanceof IntItem i) return GenericVersions.compareNumbers(digits, i.digits);
            return 1; // a number is newer than a qualifier or a sub-list
        }

        public boolean isNull() {
            return digits.equals("0");
        }
    }

    private record StringItem(String value) implements Item {
        static StringItem of(String value, boolean followedByDigit) {
            if (followedByDigit && value.length() == 1) {
                switch (value.charAt(0)) {
                    case 'a' -> value = "alpha";
                    case 'b' -> value = "beta";
                    case 'm' -> value = "milestone";
                    default -> { }
                }
            }
            value = switch (value) {
                case "ga", "final", "release" -> "";
                case "cr" -> "rc";
                default -> value;
            };
            return new StringItem(value);
        }

        static String comparable(String q) {
            int i = QUALIFIERS.indexOf(q);
            return i == -1 ? QUALIFIERS.size() + "-" + q : String.valueOf(i);
        }

        public int compareTo(Item other) {
            if (other == null) return comparable(value).compareTo(RELEASE_INDEX);
            if (other instanceof IntItem || other instanceof ListItem) return -1;
            return comparable(value).compareTo(comparable(((StringItem) other).value));
        }

        public boolean isNull() {
            return value.isEmpty();
        }
    }

    private static final class ListItem extends ArrayList<Item> implements Item {
        public int compareTo(Item other) {
            if (other == null) {
                // the whole list against "nothing", not just its first item (MNG-6964)
                for (Item i : this) {
                    int result = i.compareTo(null);
                    if (result != 0) return result;
                }
                return 0;
            }
            if (other instanceof IntItem) return -1;
            if (other instanceof StringItem) return 1;
            ListItem o = (ListItem) other;
            int n = Math.max(size(), o.size());
            for (int k = 0; k < n; k++) {
                Item l = k < size() ? get(k) : null;
                Item r = k < o.size() ? o.get(k) : null;
                int result = l == null ? (r == null ? 0 : -r.compareTo(null)) : l.compareTo(r);
                if (result != 0) return result;
            }
            return 0;
        }

        public boolean isNull() {
            return isEmpty();
        }

        void normalize() {
            for (int k = size() - 1; k >= 0; k--) {
                Item last = get(k);
                if (last.isNull()) {
                    remove(k);
                } else if (!(last instanceof ListItem)) {
                    break;
                }
            }
        }
    }

    private static Item parse(String version) {
        version = version.toLowerCase(Locale.ENGLISH);
        ListItem items = new ListItem();
        ListItem list = items;
        Deque<ListItem> stack = new ArrayDeque<>();
        stack.push(list);
        boolean isDigit = false;
        int start = 0;
        for (int i = 0; i < version.length(); i++) {
            char c = version.charAt(i);
            if (c == '.') {
                list.add(i == start ? new IntItem("0") : item(isDigit, version.substring(start, i)));
                start = i + 1;
            } else if (c == '-') {
                list.add(i == start ? new IntItem("0") : item(isDigit, version.substring(start, i)));
                start = i + 1;
                ListItem sub = new ListItem();
                list.add(sub);
                list = sub;
                stack.push(list);
            } else if (c >= '0' && c <= '9') {
                if (!isDigit && i > start) {
                    // 1.0.0.X1 < 1.0.0-X2: treat .X as -X for any string qualifier X
                    if (!list.isEmpty()) {
                        ListItem sub = new ListItem();
                        list.add(sub);
                        list = sub;
                        stack.push(list);
                    }
                    list.add(StringItem.of(version.substring(start, i), true));
                    start = i;
                    ListItem sub = new ListItem();
                    list.add(sub);
                    list = sub;
                    stack.push(list);
                }
                isDigit = true;
            } else {
                if (isDigit && i > start) {
                    list.add(item(true, version.substring(start, i)));
                    start = i;
                    ListItem sub = new ListItem();
                    list.add(sub);
                    list = sub;
                    stack.push(list);
                }
                isDigit = false;
            }
        }
        if (version.length() > start) {
            if (!isDigit && !list.isEmpty()) {
                ListItem sub = new ListItem();
                list.add(sub);
                list = sub;
                stack.push(list);
            }
            list.add(item(isDigit, version.substring(start)));
        }
        while (!stack.isEmpty()) stack.pop().normalize();
        return items;
    }

    private static Item item(boolean isDigit, String buf) {
        return isDigit ? new IntItem(buf) : StringItem.of(buf, false);
    }
}
