# shinjp — PGXS build.  `make test` and `make demo` are the two entry points (see README.md);
# plain `make && make install` builds and installs against $(PG_CONFIG).

EXTENSION  = shinjp
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" shinjp.control)

# Debian ships one pg_config per major; default to PostgreSQL 15 (Supabase's major) when present.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# ---------------------------------------------------------------------------------------------
# Sources.  Glue files (they include PostgreSQL headers) are src/shinjp.cpp, src/pg/*, src/ivm/*
# and every *_fmgr.cpp; all other .cpp files are PG-free cores, also built into the unit tests.
SRCS      = $(sort $(wildcard src/*.cpp src/*/*.cpp))
GLUE_SRCS = src/shinjp.cpp $(wildcard src/pg/*.cpp src/ivm/*.cpp) $(filter %_fmgr.cpp,$(SRCS))
CORE_SRCS = $(filter-out $(GLUE_SRCS),$(SRCS))

MODULE_big = $(EXTENSION)
OBJS       = $(SRCS:.cpp=.o)

# The extension script is the install fragments in order; upgrade scripts (none yet) go beside it.
INSTALL_SQL = $(sort $(wildcard sql/install/*.sql))
DATA_built  = sql/$(EXTENSION)--$(EXTVERSION).sql
DATA        = $(filter-out $(DATA_built),$(wildcard sql/$(EXTENSION)--*--*.sql))

# pg_regress: every sql/*.sql except extension scripts; isolation specs live in test/specs.
REGRESS      = $(sort $(filter-out $(EXTENSION)--%,$(basename $(notdir $(wildcard sql/*.sql)))))
REGRESS_OPTS = --load-extension=$(EXTENSION) --encoding=UTF8 --no-locale
ISOLATION      = $(sort $(basename $(notdir $(wildcard test/specs/*.spec))))
ISOLATION_OPTS = --inputdir=test --outputdir=build/isolation --load-extension=$(EXTENSION) --encoding=UTF8 --no-locale

ICU_CFLAGS := $(shell pkg-config --cflags icu-uc icu-i18n 2>/dev/null)
ICU_LIBS   := $(shell pkg-config --libs icu-uc icu-i18n 2>/dev/null)

# -isystem keeps warnings from PostgreSQL's own headers out of our -Werror build.
WARNFLAGS   = -Wall -Wextra -Wno-register $(if $(WERROR),-Werror)
PG_CXXFLAGS = -std=c++17 $(WARNFLAGS) -fvisibility=hidden -fvisibility-inlines-hidden -MMD -MP $(EXTRA_CXXFLAGS)
PG_CPPFLAGS = -Isrc -DSHINJP_VERSION='"$(EXTVERSION)"' $(ICU_CFLAGS) -isystem $(shell $(PG_CONFIG) --includedir-server 2>/dev/null)
SHLIB_LINK += -lstdc++ $(ICU_LIBS)

EXTRA_CLEAN = $(DATA_built) $(OBJS:.o=.d) build results regression.diffs regression.out

ifneq ($(wildcard $(PGXS)),)
# Debian builds PostgreSQL with LLVM; PGXS would then compile every .cpp to bitcode with clang and
# flags that never see PG_CXXFLAGS, which fails on C++17.  We lose only JIT inlining of our code.
override with_llvm = no
include $(PGXS)

PG_MAJOR := $(shell $(PG_CONFIG) --version | sed 's/^PostgreSQL \([0-9]*\).*/\1/')
ifneq ($(filter-out 15 16 17,$(PG_MAJOR)),)
$(error shinjp supports PostgreSQL 15, 16 and 17; $(PG_CONFIG) is PostgreSQL $(PG_MAJOR))
endif
else
all install installcheck:
	@echo "PostgreSQL server headers not found (PG_CONFIG=$(PG_CONFIG)); run 'make test' or 'test/deps.sh' first" >&2; exit 1
endif

-include $(OBJS:.o=.d)

$(DATA_built): $(INSTALL_SQL) shinjp.control
	cat $(INSTALL_SQL) > $@

# ---------------------------------------------------------------------------------------------
# Unit tests of the PG-free cores (GoogleTest), built with ASan and UBSan.
UNIT_DIR      = build/unit
UNIT_SRCS     = $(sort $(wildcard test/unit/*.cpp))
UNIT_CXXFLAGS = -std=c++17 -g -O1 $(WARNFLAGS) -fsanitize=address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=undefined -Isrc $(ICU_CFLAGS)
UNIT_OBJS     = $(patsubst %.cpp,$(UNIT_DIR)/%.o,$(CORE_SRCS) $(UNIT_SRCS))

$(UNIT_DIR)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -MMD -MP -c $< -o $@

$(UNIT_DIR)/shinjp_unit: $(UNIT_OBJS)
	$(CXX) $(UNIT_CXXFLAGS) -o $@ $^ -lgtest_main -lgtest -pthread $(ICU_LIBS)

-include $(UNIT_OBJS:.o=.d)

.PHONY: unit test demo bench
unit: $(UNIT_DIR)/shinjp_unit
	$(UNIT_DIR)/shinjp_unit

# The README's two commands, and the benchmark report.
test:
	@bash test/run.sh

demo:
	@bash demo/run.sh

bench:
	@bash test/bench/run.sh

# pg_regress and the isolation specs separately (PGXS's installcheck runs both).
.PHONY: installcheck-regress installcheck-isolation
installcheck-regress: $(DATA_built)
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)

installcheck-isolation:
	@mkdir -p build/isolation
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)

# FSRS must compute exactly like JavaScript (ts-fsrs): no fused multiply-add in the scheduling core.
src/srs/%.o: PG_CXXFLAGS += -ffp-contract=off
$(UNIT_DIR)/src/srs/%.o: UNIT_CXXFLAGS += -ffp-contract=off
