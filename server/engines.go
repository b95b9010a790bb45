package server

import (
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// engine is a compiled rulebook and what the service needs of it.
type engine struct {
	rb          *wk.Rulebook
	fingerprint string
	decide      *decision.Engine

	runnerOnce sync.Once
	runner     *scenario.Runner
	runnerErr  error
}

func newEngine(rb *wk.Rulebook) (*engine, error) {
	d, err := decision.New(rb)
	if err != nil {
		return nil, err
	}
	return &engine{rb: rb, fingerprint: rb.Fingerprint(), decide: d}, nil
}

// scenarios returns the engine's scenario runner, compiled on first use.
func (e *engine) scenarios() (*scenario.Runner, error) {
	e.runnerOnce.Do(func() { e.runner, e.runnerErr = scenario.NewRunner(e.rb) })
	return e.runner, e.runnerErr
}

// engineCache keeps the engines of reformed rulebooks, most recently used
// first, at most size of them, keyed by fingerprint. A request's reforms are
// also remembered by the digest of their text, so that a reform sent again
// is neither parsed nor applied again. Concurrent requests for the same new
// rulebook compile it once.
type engineCache struct {
	mu      sync.Mutex
	size    int
	byFP    map[string]*list.Element // of *engine
	lru     *list.List
	byInput map[string]string // digest of the reforms' text -> fingerprint (bounded with byFP)
	pending map[string]*compileCall

	hits, misses func()
}

type compileCall struct {
	done chan struct{}
	e    *engine
	err  error
}

func newEngineCache(size int) *engineCache {
	return &engineCache{size: size, byFP: map[string]*list.Element{}, lru: list.New(),
		byInput: map[string]string{}, pending: map[string]*compileCall{}, hits: func() {}, misses: func() {}}
}

// inputKey digests the base's fingerprint and the reforms' names and texts.
func inputKey(base string, files []File) string {
	h := sha256.New()
	h.Write([]byte(base))
	for _, f := range files {
		h.Write([]byte{0})
		h.Write([]byte(f.Name))
		h.Write([]byte{0})
		h.Write([]byte(f.Content))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *engineCache) getLocked(fp string) *engine {
	if el, ok := c.byFP[fp]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*engine)
	}
	return nil
}

// reformed returns the engine of base with the reforms of files applied.
// parse reads the files; it runs only when their text is new to the cache.
func (c *engineCache) reformed(base *engine, files []File, parse func() ([]*wk.Reform, error)) (*engine, error) {
	key := inputKey(base.fingerprint, files)
	c.mu.Lock()
	if fp, ok := c.byInput[key]; ok {
		if e := c.getLocked(fp); e != nil {
			c.mu.Unlock()
			c.hits()
			return e, nil
		}
	}
	c.mu.Unlock()

	reforms, err := parse()
	if err != nil {
		return nil, err
	}
	rb, err := base.rb.Reform(reforms...)
	if err != nil {
		return nil, &reformError{err}
	}
	fp := rb.Fingerprint()

	c.mu.Lock()
	if e := c.getLocked(fp); e != nil {
		c.rememberLocked(key, fp)
		c.mu.Unlock()
		c.hits()
		return e, nil
	}
	call, running := c.pending[fp]
	if !running {
		call = &compileCall{done: make(chan struct{})}
		c.pending[fp] = call
	}
	c.mu.Unlock()
	if running {
		<-call.done
		return call.e, call.err
	}
	c.misses()
	call.e, call.err = newEngine(rb)
	if call.err != nil {
		call.err = &reformError{call.err}
	}
	c.mu.Lock()
	delete(c.pending, fp)
	if call.err == nil {
		c.byFP[fp] = c.lru.PushFront(call.e)
		for c.lru.Len() > c.size {
			old := c.lru.Remove(c.lru.Back()).(*engine)
			delete(c.byFP, old.fingerprint)
		}
		for k, f := range c.byInput {
			if _, ok := c.byFP[f]; !ok {
				delete(c.byInput, k)
			}
		}
		c.rememberLocked(key, fp)
	}
	c.mu.Unlock()
	close(call.done)
	return call.e, call.err
}

// rememberLocked maps a request's reforms to the fingerprint they give.
// Many texts may give one rulebook (names, layout): the map is bounded by
// forgetting them all when it grows past 16 texts per engine.
func (c *engineCache) rememberLocked(key, fp string) {
	if len(c.byInput) >= 16*c.size {
		clear(c.byInput)
	}
	c.byInput[key] = fp
}

// len returns the number of engines cached.
func (c *engineCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// reformError is a reform that does not apply or compile.
type reformError struct{ err error }

func (e *reformError) Error() string { return e.err.Error() }
func (e *reformError) Unwrap() error { return e.err }

func isReformError(err error) bool {
	var re *reformError
	return errors.As(err, &re)
}
