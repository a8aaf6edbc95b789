package org.newsroom.analysis;

import java.util.function.Supplier;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * Lucene's language analyzers (tokenizer, stop words, stemmer as Lucene tunes them per language) under the names
 * the full distribution's analysis-common module gives them, so index settings that say {"type": "english"} mean
 * the same on both distributions. Only the defaults: the full distribution's stopwords/stem_exclusion options are
 * not offered here.
 */
public final class LanguageAnalyzers {
    private LanguageAnalyzers() {}

    /** A new analyzer per index: Lucene analyzers hold per-thread token streams and are closed with their index. */
    abstract static class Language implements AnalyzerFactory {
        private final Supplier<Analyzer> make;

        Language(Supplier<Analyzer> make) {
            this.make = make;
        }

        @Override
        public Analyzer create() {
            return make.get();
        }
    }

    @NamedComponent("english")
    public static final class English extends Language {
        public English() {
            super(EnglishAnalyzer::new);
        }
    }

    @NamedComponent("russian")
    public static final class Russian extends Language {
        public Russian() {
            super(RussianAnalyzer::new);
        }
    }

    @NamedComponent("german")
    public static final class German extends Language {
        public German() {
            super(GermanAnalyzer::new);
        }
    }

    @NamedComponent("french")
    public static final class French extends Language {
        public French() {
            super(FrenchAnalyzer::new);
        }
    }

    @NamedComponent("spanish")
    public static final class Spanish extends Language {
        public Spanish() {
            super(SpanishAnalyzer::new);
        }
    }

    @NamedComponent("italian")
    public static final class Italian extends Language {
        public Italian() {
            super(ItalianAnalyzer::new);
        }
    }

    @NamedComponent("portuguese")
    public static final class Portuguese extends Language {
        public Portuguese() {
            super(PortugueseAnalyzer::new);
        }
    }

    @NamedComponent("dutch")
    public static final class Dutch extends Language {
        public Dutch() {
            super(DutchAnalyzer::new);
        }
    }

    @NamedComponent("swedish")
    public static final class Swedish extends Language {
        public Swedish() {
            super(SwedishAnalyzer::new);
        }
    }

    @NamedComponent("norwegian")
    public static final class Norwegian extends Language {
        public Norwegian() {
            super(NorwegianAnalyzer::new);
        }
    }

    @NamedComponent("danish")
    public static final class Danish extends Language {
        public Danish() {
            super(DanishAnalyzer::new);
        }
    }

    @NamedComponent("finnish")
    public static final class Finnish extends Language {
        public Finnish() {
            super(FinnishAnalyzer::new);
        }
    }

    @NamedComponent("turkish")
    public static final class Turkish extends Language {
        public Turkish() {
            super(TurkishAnalyzer::new);
        }
    }

    @NamedComponent("romanian")
    public static final class Romanian extends Language {
        public Romanian() {
            super(RomanianAnalyzer::new);
        }
    }

    @NamedComponent("hungarian")
    public static final class Hungarian extends Language {
        public Hungarian() {
            super(HungarianAnalyzer::new);
        }
    }
}
