package org.newsroom.analysis;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;

/**
 * The stemmer names of the full distribution's `stemmer` filter that Lucene's analysis-common can serve, meaning
 * the same there and here: "english" is Porter's original, "porter2" the Snowball English, a bare language name
 * its Snowball stemmer, "light_x"/"minimal_x" Lucene's lighter ones.
 */
final class Stemmers {
    private Stemmers() {}

    interface Stemmer {
        TokenStream wrap(TokenStream input);
    }

    /** Snowball stemmers Lucene ships (org.tartarus.snowball.ext.XStemmer), by their lower-case names. */
    static final Set<String> SNOWBALL = Set.of(
        "arabic", "armenian", "basque", "catalan", "danish", "dutch", "english", "estonian", "finnish", "french",
        "german", "greek", "hindi", "hungarian", "indonesian", "irish", "italian", "lithuanian", "nepali",
        "norwegian", "porter", "portuguese", "romanian", "russian", "serbian", "spanish", "swedish", "tamil",
        "turkish", "yiddish");

    private static final Map<String, Stemmer> SPECIAL = Map.ofEntries(
        Map.entry("english", PorterStemFilter::new),
        Map.entry("porter", PorterStemFilter::new),
        Map.entry("porter2", in -> new SnowballFilter(in, "English")),
        Map.entry("light_english", KStemFilter::new),
        Map.entry("minimal_english", EnglishMinimalStemFilter::new),
        Map.entry("possessive_english", EnglishPossessiveFilter::new),
        Map.entry("light_german", GermanLightStemFilter::new),
        Map.entry("minimal_german", GermanMinimalStemFilter::new),
        Map.entry("light_french", FrenchLightStemFilter::new),
        Map.entry("minimal_french", FrenchMinimalStemFilter::new),
        Map.entry("light_spanish", SpanishLightStemFilter::new),
        Map.entry("light_italian", ItalianLightStemFilter::new),
        Map.entry("light_portuguese", PortugueseLightStemFilter::new),
        Map.entry("light_russian", RussianLightStemFilter::new));

    static Stemmer forLanguage(String language) {
        String key = language.toLowerCase(Locale.ROOT);
        Stemmer special = SPECIAL.get(key);
        if (special != null) {
            return special;
        }
        String snowball = snowballName(key);
        return in -> new SnowballFilter(in, snowball);
    }

    /** "russian" or "Russian" -> "Russian", the class-name stem SnowballFilter loads; unknown names fail here,
     * when the index is created, with the setting named, rather than on the first document. */
    static String snowballName(String language) {
        String key = language.toLowerCase(Locale.ROOT);
        if (!SNOWBALL.contains(key)) {
            throw new IllegalArgumentException("[language] has no stemmer named [" + language + "]; known: " + String.join(", ", known()));
        }
        return Character.toUpperCase(key.charAt(0)) + key.substring(1);
    }

    static SortedSet<String> known() {
        SortedSet<String> names = new TreeSet<>(SNOWBALL);
        names.addAll(SPECIAL.keySet());
        return names;
    }
}
